"""Pairing a mentee: the best 20 mentors ranked in the database, any other eligible mentor
found by typing, and every chosen id checked at its field.

Every post fills the form the page renders (core.testing.rendered_form)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import COORDINATOR
from core.testing import rendered_form
from factories import (
    CadreFactory,
    DevelopmentGoalFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    UserFactory,
)
from jurisdictions.models import Unit
from partners.models import Province, Region
from programs import services
from programs.models import MentorProfile, Mentorship

pytestmark = pytest.mark.django_db


def pairing_url(enrolment) -> str:
    return reverse("programs:pairing", args=[enrolment.pk])


def lookup(client, enrolment, q: str = "") -> list[str]:
    url = reverse("programs:mentor_lookup", args=[enrolment.pk])
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


# --- the ranking ---------------------------------------------------------------------


def test_the_database_ranks_as_the_rule_in_python_does(postgres, coordinator):
    """The SQL ranking (PostgreSQL) and `_score` (the reference) agree on a mixed pool:
    expertise in goals and in the cadre's own words, a shared province and city, full and
    free mentors, a repeated tag, punctuation around words."""
    jabar = Province.objects.get(name="Jawa Barat")
    bandung = Region.objects.get(name="Kota Bandung")
    cadre = CadreFactory(
        province=jabar,
        city=bandung,
        development_focus="Keuangan desa; public-speaking",
        occupation="Petani",
        education_detail="",
    )
    enrolment = EnrolmentFactory(cadre=cadre)
    earlier = MentorshipFactory(enrolment=enrolment, status="ended")
    DevelopmentGoalFactory(mentorship=earlier, title="Menyusun anggaran posyandu")
    city_partner = PartnerFactory(region=bandung)
    pool = [
        MentorProfileFactory(expertise="Keuangan, keuangan, pajak", province=jabar),
        MentorProfileFactory(expertise="public speaking", province=None),
        MentorProfileFactory(expertise="anggaran (posyandu)", partner=city_partner, province=jabar),
        MentorProfileFactory(expertise="pertanian", province=jabar, mentee_capacity=1),
        MentorProfileFactory(expertise="", province=None, mentee_capacity=5),
        MentorProfileFactory(expertise="hukum, , ", province=jabar, mentee_capacity=2),
    ]
    MentorshipFactory(mentor=pool[3])
    MentorshipFactory(mentor=pool[5])
    MentorProfileFactory(expertise="keuangan", is_active=False)  # takes no mentees

    interests = services._cadre_interests(enrolment)
    mentors = MentorProfile.objects.visible_to(coordinator).available_for(enrolment)
    expected = [
        services._score(m, cadre, interests) for m in mentors.select_related("user", "partner")
    ]
    expected.sort(key=lambda s: (s.over_capacity, -s.score, str(s.mentor)))
    got = services.mentor_suggestions(enrolment=enrolment, user=coordinator)

    def shown(suggestions):
        return [
            (s.mentor.pk, s.score, s.matched_expertise, s.same_province, s.same_city, s.free)
            for s in suggestions
        ]

    assert shown(got) == shown(expected)
    assert len(got) == len(pool) + 1  # and the mentor of the earlier, ended pair
    assert got[-1].mentor == pool[3]  # full: last, whatever its match


def expected_order(enrolment, user):
    """The rule in Python over every eligible mentor, in the page's order."""
    interests = services._cadre_interests(enrolment)
    mentors = MentorProfile.objects.visible_to(user).available_for(enrolment)
    ranked = [
        services._score(m, enrolment.cadre, interests)
        for m in mentors.select_related("user", "partner")
    ]
    ranked.sort(key=lambda s: (s.over_capacity, -s.score, str(s.mentor)))
    return [(s.mentor.pk, s.score, s.matched_expertise, s.free) for s in ranked]


@pytest.mark.parametrize("full_matches", [0, 8])
def test_the_database_ranks_a_large_pool_as_the_rule_does(postgres, coordinator, full_matches):
    """More than twenty mentors who match or share the province: the database ranks them
    alone when they all beat the others, and everyone when some are full (a full match
    scores no more than a free mentor elsewhere)."""
    jabar = Province.objects.get(name="Jawa Barat")
    cadre = CadreFactory(province=jabar, development_focus="keuangan desa", occupation="")
    enrolment = EnrolmentFactory(cadre=cadre)
    for i in range(25):
        MentorProfileFactory(
            user=UserFactory(first_name=f"Zul{i:02}", role="mentor"),
            expertise="Keuangan, keuangan desa" if i % 3 else "pajak, desa",
            province=jabar if i % 2 else None,
            mentee_capacity=1 if i < full_matches else 3,
        )
    for i in range(25):  # elsewhere, nothing in common, named first
        MentorProfileFactory(
            user=UserFactory(first_name=f"Ade{i:02}", role="mentor"), expertise="hukum"
        )
    for mentor in MentorProfile.objects.filter(mentee_capacity=1):
        MentorshipFactory(mentor=mentor)
    got = services.mentor_suggestions(enrolment=enrolment, user=coordinator)
    shown = [(s.mentor.pk, s.score, s.matched_expertise, s.free) for s in got]
    assert shown == expected_order(enrolment, coordinator)[: services.SUGGESTED]
    assert any(name.startswith("Ade") for name in map(str, (s.mentor for s in got))) == bool(
        full_matches
    )


def test_it_suggests_only_the_best_twenty(coordinator):
    cadre = CadreFactory(development_focus="keuangan")
    enrolment = EnrolmentFactory(cadre=cadre)
    experts = [MentorProfileFactory(expertise="keuangan") for _ in range(3)]
    for _ in range(services.SUGGESTED + 5):
        MentorProfileFactory(expertise="pertanian")
    suggestions = services.mentor_suggestions(enrolment=enrolment, user=coordinator)
    assert len(suggestions) == services.SUGGESTED
    assert {s.mentor for s in suggestions[:3]} == set(experts)


# --- the page ------------------------------------------------------------------------


def test_it_draws_at_most_twenty_options_and_pairs_a_suggestion(as_coordinator):
    enrolment = EnrolmentFactory(cadre__development_focus="keuangan")
    best = MentorProfileFactory(expertise="keuangan")
    for _ in range(services.SUGGESTED + 5):
        MentorProfileFactory(expertise="pertanian")
    form = rendered_form(as_coordinator, pairing_url(enrolment), method="post")
    assert len(form.options("mentor")) == services.SUGGESTED
    assert form.options("mentor")[0] == str(best.pk)
    # The autocomplete renders its empty choice only.
    assert form.options("other") == [""]
    response = form.submit(as_coordinator, {"mentor": str(best.pk)})
    assert response.status_code == 302
    assert Mentorship.objects.get(enrolment=enrolment).mentor == best


def test_it_pairs_a_mentor_found_by_typing_beyond_the_suggestions(as_coordinator):
    enrolment = EnrolmentFactory(cadre__development_focus="keuangan")
    for _ in range(services.SUGGESTED):
        MentorProfileFactory(expertise="keuangan")
    far = MentorProfileFactory(
        user=UserFactory(first_name="Yohana", last_name="Lumbantobing", role="mentor"),
        expertise="pertanian",
    )
    form = rendered_form(as_coordinator, pairing_url(enrolment), method="post")
    assert str(far.pk) not in form.options("mentor")
    assert lookup(as_coordinator, enrolment, "lumbanto") == [str(far.pk)]
    assert lookup(as_coordinator, enrolment, "pertanian") == [str(far.pk)]
    response = form.submit(as_coordinator, {"other": str(far.pk)})
    assert response.status_code == 302
    assert Mentorship.objects.get(enrolment=enrolment).mentor == far


@pytest.mark.parametrize("cap", [200, 10])
def test_the_lookup_lists_matches_by_name(as_coordinator, monkeypatch, cap):
    # The coordinator types a word that is in 25 mentors' expertise and 3 mentors' names:
    # the first twenty by name; for a word more common than the lookup reads (`cap`), the
    # matches it read, by name.
    monkeypatch.setattr("programs.models.LOOKUP_MATCHES", cap)
    enrolment = EnrolmentFactory()
    experts = [
        MentorProfileFactory(
            user=UserFactory(first_name=f"Budi{i:02}", role="mentor"), expertise="keuangan"
        )
        for i in range(25)
    ]
    named = [
        MentorProfileFactory(
            user=UserFactory(first_name=f"Ani{i}", last_name="Keuangan", role="mentor"),
            expertise="hukum",
        )
        for i in range(3)
    ]
    found = lookup(as_coordinator, enrolment, "KEUANGAN")
    assert found[:3] == [str(m.pk) for m in named]
    if cap > 25:
        assert found == [str(m.pk) for m in named + experts][:20]
    else:
        expert_ids = [str(m.pk) for m in experts]
        assert len(found) == 3 + cap and found[3:] == sorted(found[3:], key=expert_ids.index)


def test_a_typed_mentor_wins_over_a_ticked_suggestion(as_coordinator):
    enrolment = EnrolmentFactory()
    suggested, typed = MentorProfileFactory(), MentorProfileFactory()
    form = rendered_form(as_coordinator, pairing_url(enrolment), method="post")
    form.submit(as_coordinator, {"mentor": str(suggested.pk), "other": str(typed.pk)})
    assert Mentorship.objects.get(enrolment=enrolment).mentor == typed


def test_it_asks_for_a_mentor_when_none_is_chosen(as_coordinator):
    enrolment = EnrolmentFactory()
    MentorProfileFactory()
    form = rendered_form(as_coordinator, pairing_url(enrolment), method="post")
    response = form.submit(as_coordinator)
    assert response.status_code == 200
    assert "Choose a mentor" in response.context["form"].errors["mentor"][0]
    assert 'data-testid="mentor-error"' in response.content.decode()
    assert not Mentorship.objects.exists()


@pytest.fixture
def nina(client):
    """The coordinator of Kota Bandung (32.73), logged in, reading English."""
    user = UserFactory(username="nina", role=COORDINATOR, unit="32.73")
    client.force_login(user)
    client.cookies["kader_language"] = "en"
    return user


@pytest.mark.parametrize("field", ["mentor", "other"])
def test_a_forged_or_ineligible_mentor_is_refused_at_its_field(client, nina, field):
    enrolment = EnrolmentFactory(
        cadre__unit=Unit.objects.get(code="32.73"), program__unit=Unit.objects.get(code="32.73")
    )
    mine = MentorProfileFactory(unit=Unit.objects.get(code="32.73"))
    elsewhere = MentorProfileFactory(unit=Unit.objects.get(code="11"))  # Aceh: not hers
    resting = MentorProfileFactory(unit=Unit.objects.get(code="32.73"), is_active=False)
    paired = MentorProfileFactory(unit=Unit.objects.get(code="32.73"))
    MentorshipFactory(mentor=paired, enrolment=enrolment)
    url = pairing_url(enrolment)
    form = rendered_form(client, url, method="post")
    assert set(form.options("mentor")) == {str(mine.pk)}
    assert lookup(client, enrolment) == [str(mine.pk)]
    for refused in (elsewhere.pk, resting.pk, paired.pk, 2**31, "x"):
        response = form.submit(client, {field: str(refused)})
        assert response.status_code == 200
        assert "valid choice" in response.context["form"].errors[field][0]
    assert Mentorship.objects.filter(enrolment=enrolment).count() == 1


def test_the_lookup_of_another_districts_enrolment_is_404(client, nina):
    aceh = Unit.objects.get(code="11")
    enrolment = EnrolmentFactory(cadre__unit=aceh, program__unit=aceh)
    url = reverse("programs:mentor_lookup", args=[enrolment.pk])
    assert client.get(url).status_code == 404


SIZES = [3, 40]


@pytest.mark.parametrize("size", SIZES)
def test_the_pairing_page_issues_a_fixed_number_of_queries(
    as_coordinator, size, django_assert_num_queries
):
    enrolment = EnrolmentFactory(cadre__development_focus="keuangan")
    for i in range(size):
        mentor = MentorProfileFactory(expertise="keuangan" if i % 2 else "pertanian")
        MentorshipFactory(mentor=mentor)
        DevelopmentGoalFactory(mentorship=MentorshipFactory(enrolment=enrolment, status="ended"))
    url = pairing_url(enrolment)
    as_coordinator.get(url)
    # session and user, the enrolment, the cadre's earlier goals, the ranking, the 20
    # mentors it chose (with their load), the layout's own; SQLite ranks in one read.
    with django_assert_num_queries(QUERIES if connection.vendor == "postgresql" else QUERIES - 1):
        response = as_coordinator.get(url)
    assert len(response.context["suggestions"]) == min(2 * size, services.SUGGESTED)


# +1 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
QUERIES = 9


def test_a_coordinator_without_an_office_gets_an_empty_page_not_an_error(client):
    # A coordinator whose membership was removed: their scope is empty, so is the ranking.
    lost = UserFactory(username="lost", role=COORDINATOR, unit=False)
    client.force_login(lost)
    enrolment = EnrolmentFactory()
    MentorProfileFactory()
    assert services.mentor_suggestions(enrolment=enrolment, user=lost) == []
