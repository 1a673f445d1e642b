"""The cadre page and logging a session cost the same queries with 3 records as with 60."""

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import EnrolmentFactory, MentorProfileFactory, MentorshipFactory, SessionFactory
from programs.tests.conftest import english
from programs.timeline import TIMELINE_SESSIONS

pytestmark = pytest.mark.django_db

SIZES = [3, 60]


@pytest.fixture(autouse=True)
def _only_this_apps_queries(monkeypatch):
    # The evaluations app's timeline source counts its own queries in its own tests.
    from programs import timeline

    monkeypatch.setattr(timeline, "TIMELINE_SOURCES", [])


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_cadre_page_constant(client, coordinator, size, django_assert_num_queries):
    # A cadre in three programs, each with a mentor; `size` sessions in all.
    enrolments = EnrolmentFactory.create_batch(3)
    cadre = enrolments[0].cadre
    pairs = [MentorshipFactory(enrolment=EnrolmentFactory(cadre=cadre)) for _ in range(3)]
    for i in range(size):
        SessionFactory(mentorship=pairs[i % 3])
    english(client).force_login(coordinator)
    client.get(cadre.get_absolute_url())
    with django_assert_num_queries(EXPECTED["cadre_detail"]):
        response = client.get(cadre.get_absolute_url())
    sessions = [e for e in response.context["timeline"] if e.kind == "session"]
    assert len(sessions) == min(size, TIMELINE_SESSIONS)
    assert response.context["timeline"].cut == (size > TIMELINE_SESSIONS)
    assert ('data-testid="timeline-cut"' in response.content.decode()) == (size > TIMELINE_SESSIONS)


@pytest.mark.parametrize("size", SIZES)
def test_it_logs_a_session_in_constant_queries(client, mentor_a, size, django_assert_num_queries):
    # Mentor A has `size` mentees and logs a session with one of them.
    mentor = MentorProfileFactory(user=mentor_a, mentee_capacity=100)
    pairs = [MentorshipFactory(mentor=mentor) for _ in range(size)]
    client.force_login(mentor_a)
    data = {
        "mentorship": pairs[-1].pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "mode": "phone",
        "attendance": "attended",
    }
    client.get(reverse("programs:session_create"))
    with django_assert_num_queries(EXPECTED["session_create"]):
        response = client.post(reverse("programs:session_create"), data)
    assert response.status_code == 302


# Written out so that a change shows up.
# Saving a session: Django validates the model's check constraints in the form
# (Model.validate_constraints), one query in a savepoint per constraint the form's fields
# touch (duration, date, two text lengths): 3 statements each, whatever the data size.
# cadre_detail +1 since jurisdictions: the coordinator's scope, resolved once per request.
# cadre_detail +1 since the inbox: the nav's unread count (evaluations.context_processors).
EXPECTED = {"cadre_detail": 12, "session_create": 19}
