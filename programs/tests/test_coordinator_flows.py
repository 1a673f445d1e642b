"""A coordinator at the desk: programs, enrolment, pairing, cadres, background data."""

import pytest
from django.urls import reverse

from factories import CadreFactory, EnrolmentFactory, MentorProfileFactory, ProgramFactory
from partners.models import Province, Region
from programs.models import Cadre, CadreBackground, Enrolment, Mentorship, Program
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db


def test_it_creates_a_program(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:program_create"),
        {
            "name": "Magang Desa Digital",
            "kind": "practical",
            "status": "open",
            "start_date": "2025-07-01",
            "end_date": "2025-09-30",
            "capacity": 10,
            "is_online": "",
            "place": "Banyuwangi",
            "objectives": "Praktik langsung",
            "coordinator": coordinator.pk,
        },
    )
    assert response.status_code == 302
    assert Program.objects.get().kind == "practical"


def test_it_refuses_an_end_before_the_start_and_a_missing_place(client, coordinator):
    english(client).force_login(coordinator)
    response = client.post(
        reverse("programs:program_create"),
        {
            "name": "Salah tanggal",
            "kind": "training",
            "status": "planned",
            "start_date": "2025-07-01",
            "end_date": "2025-06-01",
            "capacity": 10,
        },
    )
    errors = response.context["form"].errors
    assert "end date cannot be before" in errors["end_date"][0]
    assert "place" in errors


def test_it_refuses_a_capacity_below_the_cadres_already_enrolled(client, coordinator):
    program = ProgramFactory(capacity=3)
    EnrolmentFactory.create_batch(2, program=program)
    english(client).force_login(coordinator)
    data = {
        "name": program.name,
        "kind": "training",
        "status": "running",
        "start_date": "2025-01-06",
        "end_date": "2026-12-18",
        "capacity": 1,
        "place": "Bandung",
    }
    response = client.post(reverse("programs:program_edit", args=[program.pk]), data)
    assert "cannot be lower" in response.context["form"].errors["capacity"][0]


def test_it_enrols_a_cadre(client, coordinator):
    program, cadre = ProgramFactory(capacity=2), CadreFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:enrolment_create", args=[program.pk]),
        {"cadre": cadre.pk, "status": "active"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().status == "active"


def test_it_refuses_clearly_when_the_program_is_full(client, coordinator):
    program = ProgramFactory(capacity=1, name="Kelas Kecil")
    EnrolmentFactory(program=program)
    english(client).force_login(coordinator)
    response = client.post(
        reverse("programs:enrolment_create", args=[program.pk]),
        {"cadre": CadreFactory().pk, "status": "active"},
    )
    assert response.status_code == 200
    assert "Kelas Kecil is full: all 1 places are taken." in response.content.decode()
    assert program.enrolments.count() == 1


def test_it_records_status_and_outcome(client, coordinator):
    enrolment = EnrolmentFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:enrolment_edit", args=[enrolment.pk]),
        {"status": "completed", "outcome": "certified"},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.outcome) == ("completed", "certified")


def test_it_refuses_an_outcome_while_still_active(client, coordinator):
    enrolment = EnrolmentFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:enrolment_edit", args=[enrolment.pk]),
        {"status": "active", "outcome": "certified"},
    )
    assert "outcome" in response.context["form"].errors


def test_it_pairs_and_asks_for_an_override_when_full(client, coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    first, second = EnrolmentFactory(), EnrolmentFactory()
    english(client).force_login(coordinator)
    url = reverse("programs:pairing", args=[first.pk])
    assert client.post(url, {"mentor": mentor.pk}).status_code == 302
    url = reverse("programs:pairing", args=[second.pk])
    refused = client.post(url, {"mentor": mentor.pk})
    assert "Tick “pair over capacity”" in refused.content.decode()
    assert client.post(url, {"mentor": mentor.pk, "override": "on"}).status_code == 302
    assert Mentorship.objects.filter(over_capacity=True).count() == 1


def test_it_creates_a_cadre_and_refuses_a_city_of_another_province(client, coordinator):
    jabar = Province.objects.get(name="Jawa Barat")
    bandung = Region.objects.get(name="Kota Bandung")
    denpasar = Region.objects.get(name="Kota Denpasar")
    english(client).force_login(coordinator)
    data = {
        "full_name": "Rina Harahap",
        "email": "rina@example.org",
        "phone": "0812 3456 7890",
        "province": jabar.pk,
        "city": denpasar.pk,
        "stage": "candidate",
    }
    response = client.post(reverse("programs:cadre_create"), data)
    assert "not in the chosen province" in response.context["form"].errors["city"][0]
    response = client.post(reverse("programs:cadre_create"), {**data, "city": bandung.pk})
    assert response.status_code == 302
    assert str(Cadre.objects.get().phone) == "+6281234567890"


def test_it_refuses_a_duplicate_email_whatever_the_case(client, coordinator):
    CadreFactory(email="ayu@example.org")
    english(client).force_login(coordinator)
    response = client.post(
        reverse("programs:cadre_create"),
        {"full_name": "Ayu", "email": "AYU@example.org", "stage": "candidate"},
    )
    assert "already has this e-mail" in response.context["form"].errors["email"][0]


def test_it_lists_cities_of_a_province(client, coordinator):
    client.force_login(coordinator)
    jabar = Province.objects.get(name="Jawa Barat")
    data = client.get(reverse("programs:city_options"), {"province": jabar.pk}).json()
    assert [n for _pk, n in data["options"] if n == "Kota Bandung"] == ["Kota Bandung"]
    assert len(data["options"]) == 27


def test_it_searches_filters_and_sorts_the_directory(client, coordinator):
    jabar = Province.objects.get(name="Jawa Barat")
    CadreFactory(full_name="Ayu Lestari", province=jabar, stage="alumni")
    CadreFactory(full_name="Bagus Wijaya", stage="candidate")
    enrolled = EnrolmentFactory(cadre__full_name="Citra Kusuma")
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")

    def names(**params):
        return [c.full_name for c in client.get(url, params).context["page"].object_list]

    assert names(q="lestari") == ["Ayu Lestari"]
    assert names(province=jabar.pk) == ["Ayu Lestari"]
    assert names(stage="candidate") == ["Bagus Wijaya"]
    assert names(program=enrolled.program.pk) == ["Citra Kusuma"]
    assert names(sort="-name") == ["Citra Kusuma", "Bagus Wijaya", "Ayu Lestari"]


@pytest.mark.parametrize("cap", [5000, 1])
def test_the_directory_search_reads_the_matches_once_or_by_subquery(
    client, coordinator, monkeypatch, cap
):
    """Up to SEARCH_IDS_CAP matches are read once and listed by id; beyond it the search
    stays a subquery. Both find the same cadres: by name, by home partner, by city, and
    page on the same way."""
    from factories import PartnerFactory
    from programs import filters

    monkeypatch.setattr(filters, "SEARCH_IDS_CAP", cap)
    bandung = Region.objects.get(name="Kota Bandung")
    partner = PartnerFactory(name="Yayasan Lestari Alam")
    CadreFactory(full_name="Ayu Lestari")
    CadreFactory(full_name="Bagus Wijaya", home_partner=partner)
    CadreFactory(full_name="Citra Kusuma", city=bandung, province=bandung.province)
    CadreFactory(full_name="Dewi Sartika")
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")

    def names(**params):
        page = client.get(url, params).context["page"]
        return [c.full_name for c in page.object_list], page

    assert names(q="lestari")[0] == ["Ayu Lestari", "Bagus Wijaya"]
    assert names(q="bandung")[0] == ["Citra Kusuma"]
    assert names(q="zzqx")[0] == []
    first, page = names(q="a", sort="name")
    assert first == ["Ayu Lestari", "Bagus Wijaya", "Citra Kusuma", "Dewi Sartika"]
    assert page.count.value == 4 and page.count.exact


def test_a_search_matching_more_than_a_list_shows_says_so_and_the_export_has_all(
    client, coordinator, monkeypatch
):
    """The directory lists the first matches of a very common fragment, sorted, and says
    that not every match is listed; the CSV export of the same search has every match."""
    from programs import filters

    monkeypatch.setattr(filters, "LISTED_MATCHES_CAP", 3)
    for name in ["Wati Ayu", "Setiawati", "Kurniawati", "Dewi Sartika", "Irawati"]:
        CadreFactory(full_name=name)
    english(client).force_login(coordinator)
    url = reverse("programs:cadre_list")
    response = client.get(url, {"q": "wati"})
    listed = [c.full_name for c in response.context["page"].object_list]
    assert len(listed) == 3 and listed == sorted(listed)
    assert set(listed) <= {"Wati Ayu", "Setiawati", "Kurniawati", "Irawati"}
    assert "Not every match is listed" in response.content.decode()
    # Fewer matches than the cap: all listed, no notice.
    response = client.get(url, {"q": "kurnia"})
    assert [c.full_name for c in response.context["page"].object_list] == ["Kurniawati"]
    assert "Not every match is listed" not in response.content.decode()
    export = client.get(reverse("dashboard:export", args=["cadres", "csv"]), {"q": "wati"})
    body = b"".join(export.streaming_content).decode()
    assert all(name in body for name in ["Wati Ayu", "Setiawati", "Kurniawati", "Irawati"])
    assert "Dewi Sartika" not in body


def test_it_shows_an_empty_state(client, coordinator):
    english(client).force_login(coordinator)
    page = client.get(reverse("programs:cadre_list")).content.decode()
    assert "No cadres yet" in page
    page = client.get(reverse("programs:cadre_list"), {"q": "zzz"}).content.decode()
    assert "No cadre matches these filters" in page


def test_it_paginates_the_directory(client, coordinator):
    CadreFactory.create_batch(30)
    client.force_login(coordinator)
    first = client.get(reverse("programs:cadre_list"))
    after = first.context["page"].next_cursor
    second = client.get(reverse("programs:cadre_list"), {"after": after})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert not set(first.context["page"]) & set(second.context["page"])


def test_it_stores_background_only_with_consent(client, coordinator):
    cadre = CadreFactory()
    english(client).force_login(coordinator)
    url = reverse("programs:background_edit", args=[cadre.pk])
    response = client.post(url, {"gender": "female", "consent_given_on": "2025-03-01"})
    assert "consent" in response.context["form"].errors
    assert not CadreBackground.objects.exists()
    client.post(
        url,
        {"gender": "female", "area": "rural", "consent": "on", "consent_given_on": "2025-03-01"},
    )
    background = CadreBackground.objects.get()
    assert (background.gender, background.consent_recorded_by) == ("female", coordinator)


def test_it_deletes_background_when_consent_is_withdrawn(client, coordinator):
    cadre = CadreFactory()
    client.force_login(coordinator)
    url = reverse("programs:background_edit", args=[cadre.pk])
    client.post(url, {"gender": "male", "consent": "on", "consent_given_on": "2025-03-01"})
    client.post(url, {"withdraw": "1"})
    assert not CadreBackground.objects.exists()


def test_it_asks_the_coordinators_own_background_questions(client, coordinator):
    cadre = CadreFactory()
    client.force_login(coordinator)
    client.post(
        reverse("programs:background_fields"),
        {"label": "Suku", "key": "suku", "choices": "Jawa\nSunda\nBatak", "is_active": "on"},
    )
    url = reverse("programs:background_edit", args=[cadre.pk])
    client.post(url, {"extra_suku": "Sunda", "consent": "on", "consent_given_on": "2025-03-01"})
    assert CadreBackground.objects.get().extra == {"suku": "Sunda"}
    page = client.get(cadre.get_absolute_url()).content.decode()
    assert "Suku" in page and "Sunda" in page


def test_it_never_shows_background_outside_the_cadres_page(client, coordinator, mentor_a, pair_a):
    cadre = pair_a.enrolment.cadre
    CadreBackground.objects.create(
        cadre=cadre,
        gender="female",
        disability="yes",
        consent_given_on="2025-03-01",
        consent_recorded_by=coordinator,
    )
    english(client).force_login(coordinator)
    assert "Lives with a disability" in client.get(cadre.get_absolute_url()).content.decode()
    for url in (
        reverse("programs:cadre_list"),
        pair_a.enrolment.program.get_absolute_url(),
        pair_a.get_absolute_url(),
    ):
        assert "disability" not in client.get(url).content.decode().lower()
    client.force_login(mentor_a)
    page = client.get(pair_a.get_absolute_url()).content.decode()
    assert "disability" not in page.lower() and "Female" not in page


def test_it_shows_programs_mentors_goals_and_sessions_on_the_cadre_timeline(
    client, coordinator, pair_a, session_a
):
    english(client).force_login(coordinator)
    response = client.get(pair_a.enrolment.cadre.get_absolute_url())
    kinds = {entry.kind for entry in response.context["timeline"]}
    assert kinds == {"enrolment", "mentorship", "session"}


def test_it_shows_the_program_page_with_hours_and_whats_due(
    client, coordinator, program, pair_a, session_a
):
    english(client).force_login(coordinator)
    response = client.get(program.get_absolute_url())
    assert response.context["sessions_delivered"] == 1
    assert response.context["hours_delivered"] == 1.0
    page = response.content.decode()
    assert pair_a.enrolment.cadre.full_name in page


def test_it_shows_cohort_diversity_only_in_aggregate_and_from_five_answers(
    client, coordinator, program
):
    english(client).force_login(coordinator)
    enrolments = EnrolmentFactory.create_batch(5, program=program)
    for enrolment in enrolments[:4]:
        CadreBackground.objects.create(
            cadre=enrolment.cadre,
            gender="female",
            area="rural",
            consent_given_on="2025-03-01",
            consent_recorded_by=coordinator,
        )
    page = client.get(program.get_absolute_url()).content.decode()
    assert 'data-testid="diversity"' not in page  # four answers could point at people
    CadreBackground.objects.create(
        cadre=enrolments[4].cadre,
        gender="male",
        consent_given_on="2025-03-01",
        consent_recorded_by=coordinator,
    )
    page = client.get(program.get_absolute_url()).content.decode()
    # Four women and one man: both counts are under 5, so neither is printed.
    assert "Female: &lt; 5 · Male: &lt; 5" in page
    assert "Rural: &lt; 5" in page
    assert "Female: 4" not in page and "Male: 1" not in page


def test_it_sorts_the_directory_by_province_in_official_order_then_name(client, coordinator):
    """Aceh (BPS code 11) before Jawa Barat (32) before Papua (91), names A–Z within each;
    cadres without a province come last either way; the next page continues the order."""
    aceh, jabar, papua = (Province.objects.get(code=c) for c in ("11", "32", "91"))
    for name, province in [
        ("Dewi", papua),
        ("Budi", jabar),
        ("Eka", None),
        ("Agus", jabar),
        ("Cici", aceh),
    ]:
        CadreFactory(full_name=name, province=province, city=None)
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")

    def names(**params):
        return [c.full_name for c in client.get(url, params).context["page"].object_list]

    assert names(sort="province") == ["Cici", "Agus", "Budi", "Dewi", "Eka"]
    assert names(sort="-province") == ["Dewi", "Budi", "Agus", "Cici", "Eka"]


def test_the_next_page_of_the_province_sort_continues_it(client, coordinator):
    aceh, jabar = (Province.objects.get(code=c) for c in ("11", "32"))
    for i in range(30):
        CadreFactory(full_name=f"Kader {i:02d}", province=jabar if i % 2 else aceh, city=None)
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")
    first = client.get(url, {"sort": "province"}).context["page"]
    second = client.get(url, {"sort": "province", "after": first.next_cursor}).context["page"]
    shown = [(c.province.code, c.full_name) for c in [*first.object_list, *second.object_list]]
    assert len(shown) == 30
    assert shown == sorted(shown)
