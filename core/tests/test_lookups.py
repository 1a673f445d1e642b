"""The filters' autocomplete lookups list only what the user may see (core/autocomplete.py)."""

import pytest
from django.urls import reverse

from factories import (
    AgreementFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentor_a, mentor_b):
    """Mentor A mentors in program A (with partner A); mentor B in program B (partner B)."""
    worlds = {}
    for key, mentor in (("a", mentor_a), ("b", mentor_b)):
        partner = PartnerFactory(name=f"Yayasan Mitra {key.upper()}")
        program = ProgramFactory(name=f"Sekolah Kader {key.upper()}")
        program.partners.add(partner)
        pair = MentorshipFactory(
            mentor=MentorProfileFactory(user=mentor), enrolment__program=program
        )
        worlds[key] = {
            "partner": partner,
            "program": program,
            "session": SessionFactory(mentorship=pair),
        }
    return worlds


def texts(client, name: str, q: str = "") -> list[str]:
    response = client.get(reverse(name), {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_coordinator_finds_every_partner_and_program(client, coordinator, world):
    client.force_login(coordinator)
    assert texts(client, "partners:partner_lookup", "mitra") == [
        "Yayasan Mitra A",
        "Yayasan Mitra B",
    ]
    assert texts(client, "programs:program_lookup", "kader b") == ["Sekolah Kader B"]


def test_a_mentor_finds_only_their_own_partners_and_programs(client, mentor_a, mentor_b, world):
    # Mentor A searches for everything; mentor B too: each sees their own program's.
    client.force_login(mentor_a)
    assert texts(client, "partners:partner_lookup", "mitra") == ["Yayasan Mitra A"]
    assert texts(client, "programs:program_lookup") == ["Sekolah Kader A"]
    client.force_login(mentor_b)
    assert texts(client, "partners:partner_lookup", "Mitra A") == []
    assert texts(client, "programs:program_lookup", "Kader A") == []
    assert texts(client, "programs:program_lookup") == ["Sekolah Kader B"]


@pytest.mark.parametrize(
    "name",
    [
        "partners:partner_lookup",
        "programs:program_lookup",
        "partners:coordinator_lookup",
        "partners:agreement_lookup",
    ],
)
def test_an_outsider_gets_404_and_a_visitor_the_login(client, outsider, world, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse(name), {"q": "a"}).status_code == 404


def test_coordinators_are_listed_to_coordinators_only(client, coordinator, mentor_a):
    UserFactory(username="koordinator2", first_name="Dewi", role="coordinator")
    client.force_login(coordinator)
    assert "Dewi" in " ".join(texts(client, "partners:coordinator_lookup", "dew"))
    client.force_login(mentor_a)
    assert client.get(reverse("partners:coordinator_lookup")).status_code == 404


def test_it_returns_at_most_20_matches(client, coordinator):
    for i in range(25):
        PartnerFactory(name=f"Mitra Banyak {i:02d}")
    client.force_login(coordinator)
    assert len(texts(client, "partners:partner_lookup", "banyak")) == 20


def test_the_filter_renders_only_the_chosen_option(client, coordinator, world):
    # 30 partners exist; the cadre directory filtered by one lists just that one.
    for i in range(30):
        PartnerFactory(name=f"Mitra Lain {i}")
    chosen = world["a"]["partner"]
    client.force_login(coordinator)
    html = client.get(reverse("programs:cadre_list"), {"partner": chosen.pk}).content.decode()
    select = html.split('name="partner"')[1].split("</select>")[0]
    assert select.count("<option") == 2  # "All" and the chosen partner
    assert f'value="{chosen.pk}" selected' in select
    assert "data-autocomplete-url" in html.split('name="partner"')[0][-400:] + select


def test_a_forbidden_choice_is_refused_not_listed(client, mentor_b, world):
    # Mentor B puts mentor A's program id into the session filter by hand.
    client.force_login(mentor_b)
    response = client.get(reverse("programs:session_list"), {"program": world["a"]["program"].pk})
    assert response.status_code == 200
    assert "program" in response.context["filters"].form.errors
    assert world["a"]["session"] not in response.context["page"].object_list
    assert "Sekolah Kader A" not in response.content.decode()


def test_the_coordinator_finds_agreements_by_title_and_a_mentor_gets_404(
    client, coordinator, mentor_a
):
    AgreementFactory(title="Magang Industri Kreatif")
    AgreementFactory(title="Sekolah Desa")
    client.force_login(coordinator)
    assert texts(client, "partners:agreement_lookup", "industri") == ["Magang Industri Kreatif"]
    client.force_login(mentor_a)
    assert client.get(reverse("partners:agreement_lookup")).status_code == 404


def test_the_program_form_lists_no_agreement_or_partner_it_was_not_given(client, coordinator):
    # 12,000 agreements and 20,000 partners at national scale: the form searches them.
    agreements = [AgreementFactory(title=f"Perjanjian {n}") for n in range(3)]
    partners = [PartnerFactory(name=f"Mitra {n}") for n in range(3)]
    client.force_login(coordinator)
    page = client.get(reverse("programs:program_create")).content.decode()
    assert 'data-autocomplete-url="/partners/agreements/lookup/"' in page
    for name in [a.title for a in agreements] + [p.name for p in partners]:
        assert name not in page
