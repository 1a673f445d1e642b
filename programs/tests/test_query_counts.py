"""Hot pages issue the same number of queries with 3 records as with 60."""

import pytest
from django.urls import reverse

from factories import (
    CadreFactory,
    DevelopmentGoalFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PartnerFactory,
    SessionFactory,
)
from partners.models import Province

pytestmark = pytest.mark.django_db

SIZES = [3, 60]


@pytest.fixture(autouse=True)
def _only_this_apps_queries(monkeypatch):
    # Other apps' timeline and "due" hooks count their own queries in their own tests.
    from programs import timeline

    monkeypatch.setattr(timeline, "TIMELINE_SOURCES", [])
    monkeypatch.setattr(timeline, "DUE_SOURCES", [])


def cadres(n: int) -> None:
    jabar = Province.objects.get(name="Jawa Barat")
    for i in range(n):
        cadre = CadreFactory(province=jabar)
        if i % 2:
            EnrolmentFactory(cadre=cadre)


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_cadre_directory_constant(
    client, coordinator, size, django_assert_num_queries
):
    cadres(size)
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")
    client.get(url)
    with django_assert_num_queries(EXPECTED["cadre_list"]):
        client.get(url, {"sort": "province"})


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_a_filtered_deep_directory_page_constant(
    client, coordinator, size, django_assert_num_queries
):
    # The coordinator searches, picks a partner and a program, and pages on.
    cadres(size)
    program = EnrolmentFactory().program
    partner = PartnerFactory()
    program.partners.add(partner)
    client.force_login(coordinator)
    url = reverse("programs:cadre_list")
    first = client.get(url, {"q": "a", "sort": "-created"}).context["page"]
    params = {"q": "a", "sort": "-created", "after": first.next_cursor}
    params |= {"program": program.pk, "partner": partner.pk}
    # + the chosen program and partner, each validated, then rendered as the only option,
    # + the search's matching ids, read once for the page and its count
    with django_assert_num_queries(EXPECTED["cadre_list"] + 5):
        assert client.get(url, params).status_code == 200


def program_with(size: int, program):
    mentor = MentorProfileFactory(mentee_capacity=100)
    for _ in range(size):
        pair = MentorshipFactory(mentor=mentor, enrolment=EnrolmentFactory(program=program))
        SessionFactory(mentorship=pair)
        DevelopmentGoalFactory(mentorship=pair, target_date="2020-01-01")
    return mentor


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_program_page_constant(
    client, coordinator, program, size, django_assert_num_queries
):
    program.capacity = 100
    program.save()
    program_with(size, program)
    client.force_login(coordinator)
    client.get(program.get_absolute_url())
    with django_assert_num_queries(EXPECTED["program_detail"]):
        client.get(program.get_absolute_url())


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_mentor_home_constant(client, mentor_a, size, django_assert_num_queries):
    mentor = MentorProfileFactory(user=mentor_a, mentee_capacity=100)
    for _ in range(size):
        SessionFactory(mentorship=MentorshipFactory(mentor=mentor))
    client.force_login(mentor_a)
    url = reverse("programs:mentor_home")
    client.get(url)
    with django_assert_num_queries(EXPECTED["mentor_home"]):
        client.get(url)


# Session, user and groups (3), then each page's own; written out so a change shows up.
# +1 since jurisdictions: the coordinator's scope, resolved once per request.
# +1 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
EXPECTED = {"cadre_list": 7, "program_detail": 17, "mentor_home": 11}
