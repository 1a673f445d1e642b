"""Who gets which page: one matrix over URLs × personas.

A forbidden object answers 404 so that its existence does not leak; so does a page that is
not about one object (a list, a "new" form) to a user without the role (issue 15).
"""

import pytest
from django.urls import reverse

from factories import CadreFactory, DevelopmentGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program, pair_a, pair_b, session_a, session_b):
    return {
        "program": program,
        "cadre_a": pair_a.enrolment.cadre,
        "enrolment_a": pair_a.enrolment,
        "pair_a": pair_a,
        "pair_b": pair_b,
        "session_a": session_a,
        "session_b": session_b,
        "goal_a": DevelopmentGoalFactory(mentorship=pair_a),
        "goal_b": DevelopmentGoalFactory(mentorship=pair_b),
        "free_cadre": CadreFactory(),
    }


# (name, argument key in world or None)
COORDINATOR_PAGES = [
    ("programs:program_list", None),
    ("programs:program_create", None),
    ("programs:program_detail", "program"),
    ("programs:program_edit", "program"),
    ("programs:enrolment_create", "program"),
    ("programs:enrolment_edit", "enrolment_a"),
    ("programs:pairing", "enrolment_a"),
    ("programs:cadre_list", None),
    ("programs:cadre_create", None),
    ("programs:cadre_import", None),
    ("programs:cadre_detail", "cadre_a"),
    ("programs:cadre_edit", "cadre_a"),
    ("programs:background_edit", "cadre_a"),
    ("programs:background_fields", None),
    ("programs:mentor_list", None),
    ("programs:mentor_create", None),
]


def url(world, name, key):
    return reverse(name, args=[world[key].pk] if key else [])


@pytest.mark.parametrize(("name", "key"), COORDINATOR_PAGES)
def test_it_opens_every_coordinator_page_to_the_coordinator(client, coordinator, world, name, key):
    # The coordinator opens each of their pages.
    client.force_login(coordinator)
    assert client.get(url(world, name, key)).status_code == 200


@pytest.mark.parametrize(("name", "key"), COORDINATOR_PAGES)
@pytest.mark.parametrize("persona", ["mentor_a", "outsider"])
def test_it_keeps_coordinator_pages_from_others(client, request, world, persona, name, key):
    # A mentor (even for their own mentee's ids) and an outsider try coordinator pages.
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(world, name, key)).status_code == 404


@pytest.mark.parametrize(("name", "key"), COORDINATOR_PAGES)
def test_it_sends_anonymous_visitors_to_the_login(client, world, name, key):
    # Someone not logged in tries each page.
    response = client.get(url(world, name, key))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


MENTOR_OWN_PAGES = [
    ("programs:mentor_home", None),
    ("programs:session_create", None),
    ("programs:mentorship_detail", "pair_a"),
    ("programs:goal_create", "pair_a"),
    ("programs:goal_progress", "goal_a"),
    ("programs:session_edit", "session_a"),
    ("programs:session_delete", "session_a"),
]

OTHER_MENTORS_PAGES = [
    ("programs:mentorship_detail", "pair_b"),
    ("programs:goal_create", "pair_b"),
    ("programs:goal_progress", "goal_b"),
    ("programs:session_edit", "session_b"),
    ("programs:session_delete", "session_b"),
]


@pytest.mark.parametrize(("name", "key"), MENTOR_OWN_PAGES)
def test_it_opens_a_mentors_own_pages(client, mentor_a, world, name, key):
    # Mentor A opens their home, their mentee, their goal and their session.
    client.force_login(mentor_a)
    assert client.get(url(world, name, key)).status_code == 200


@pytest.mark.parametrize(("name", "key"), OTHER_MENTORS_PAGES)
def test_it_answers_404_to_a_mentor_guessing_another_mentors_ids(
    client, mentor_a, world, name, key
):
    # Mentor A types the ids of mentor B's mentee, goal and session into the URL.
    client.force_login(mentor_a)
    assert client.get(url(world, name, key)).status_code == 404
    assert client.post(url(world, name, key), {"progress": 100}).status_code == 404


def test_it_answers_404_to_a_mentor_preselecting_another_mentee(client, mentor_a, world):
    # Mentor A opens "log a session" with mentor B's mentee in the query string.
    client.force_login(mentor_a)
    response = client.get(reverse("programs:session_create"), {"mentee": world["pair_b"].pk})
    assert response.status_code == 404
    response = client.get(reverse("programs:session_create"), {"mentee": "x"})
    assert response.status_code == 404


def test_it_leaves_other_mentors_data_unchanged_on_forged_posts(client, mentor_a, world):
    # Mentor A posts to delete mentor B's session and to finish mentor B's goal.
    client.force_login(mentor_a)
    client.post(reverse("programs:session_delete", args=[world["session_b"].pk]))
    client.post(reverse("programs:goal_progress", args=[world["goal_b"].pk]), {"progress": 100})
    world["session_b"].refresh_from_db()
    world["goal_b"].refresh_from_db()
    assert world["goal_b"].progress == 20


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_it_keeps_the_mentor_home_for_mentors(client, request, persona):
    # A coordinator and an outsider try the mentor's home and the session log.
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programs:mentor_home")).status_code == 404
    assert client.get(reverse("programs:session_create")).status_code == 404


def test_it_lets_the_coordinator_read_any_mentorship(client, coordinator, world):
    # The coordinator follows a pair from the program page.
    client.force_login(coordinator)
    response = client.get(reverse("programs:mentorship_detail", args=[world["pair_b"].pk]))
    assert response.status_code == 200


def test_it_refuses_the_coordinator_editing_a_mentors_session(client, coordinator, world):
    # The coordinator tries to change a session: it is the mentor's record.
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:session_edit", args=[world["session_a"].pk]), {"duration_minutes": 5}
    )
    assert response.status_code == 404


def test_it_sends_a_mentor_from_home_to_their_mentees(client, mentor_a):
    # Mentor A logs in and lands on "my mentees".
    client.force_login(mentor_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:mentor_home")


def test_it_keeps_the_coordinators_home(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_it_shows_each_role_its_own_navigation(client, coordinator, mentor_a):
    client.force_login(coordinator)
    page = client.get(reverse("programs:program_list")).content.decode()
    assert reverse("programs:cadre_list") in page
    assert reverse("programs:mentor_home") not in page
    client.force_login(mentor_a)
    page = client.get(reverse("programs:mentor_home")).content.decode()
    assert reverse("programs:session_create") in page
    assert reverse("programs:cadre_list") not in page
