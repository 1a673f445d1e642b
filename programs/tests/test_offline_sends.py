"""A mentor's phone sends forms kept offline (issue 19, core/offline.py): each send carries
an idempotency key, so a send repeated after a lost answer saves nothing twice; a draft the
server can no longer take is refused in words, as JSON for the phone."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import OfflineSend
from factories import (
    DevelopmentGoalFactory,
    MentorProfileFactory,
    MentorshipFactory,
    SessionFactory,
)
from programs import services
from programs.models import Session
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db

OFFLINE = {"HTTP_X_KADER_OFFLINE": "1", "HTTP_ACCEPT": "application/json"}


def session_data(pair, key, **extra) -> dict:
    return {
        "mentorship": pair.pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 45,
        "mode": "in_person",
        "attendance": "attended",
        "topics": "Rencana kerja desa",
        "idempotency_key": str(key),
        **extra,
    }


def test_it_logs_a_session_once_when_the_phone_sends_it_twice(client, mentor_a, pair_a):
    # Mentor A's phone sends a session kept offline; the answer is lost; it sends again.
    client.force_login(mentor_a)
    key = uuid.uuid4()
    first = client.post(reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE)
    again = client.post(reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"status": "sent", "location": pair_a.get_absolute_url()}
    session = Session.objects.get()
    record = OfflineSend.objects.get()
    assert (record.key, record.user, record.object_type, record.object_id) == (
        key,
        mentor_a,
        "programs.session",
        session.pk,
    )


def test_an_ordinary_post_sent_twice_with_its_key_saves_once(client, mentor_a, pair_a):
    # A double tap on "Log session" without the script: the second post lands on the pair.
    client.force_login(mentor_a)
    key = uuid.uuid4()
    for _ in range(2):
        response = client.post(reverse("programs:session_create"), session_data(pair_a, key))
        assert response.status_code == 302
        assert response["Location"] == pair_a.get_absolute_url()
    assert Session.objects.count() == 1


def test_a_post_without_a_key_still_saves(client, mentor_a, pair_a):
    # An old page (before issue 19) posts with no key, or a broken one: saved as before.
    client.force_login(mentor_a)
    data = session_data(pair_a, "not-a-uuid")
    assert client.post(reverse("programs:session_create"), data).status_code == 302
    assert Session.objects.count() == 1
    assert not OfflineSend.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_save_one_session(postgres, mentor_a, pair_a):
    # The phone's retry reaches the server while the first send is still being answered.
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def send(i: int) -> None:
        close_old_connections()
        try:
            phone = Client()
            phone.force_login(mentor_a)
            barrier.wait()
            response = phone.post(
                reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE
            )
            answers[i] = (response.status_code, response.json())
        except Exception as error:  # shown in the assertion below
            answers[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = (200, {"status": "sent", "location": pair_a.get_absolute_url()})
    assert answers == [sent, sent]
    assert Session.objects.count() == 1
    assert OfflineSend.objects.count() == 1


def test_it_refuses_in_words_a_session_for_a_mentee_passed_to_another_mentor(
    client, mentor_a, pair_a
):
    # While Mentor A's draft waited, the coordinator ended the pair (the mentee moved on).
    services.mentorship_end(mentorship=pair_a)
    english(client).force_login(mentor_a)
    data = session_data(pair_a, uuid.uuid4())
    response = client.post(reverse("programs:session_create"), data, **OFFLINE)
    assert response.status_code == 422
    answer = response.json()
    assert answer["status"] == "refused"
    assert "no longer yours to log" in answer["reason"]
    assert not Session.objects.exists()
    assert not OfflineSend.objects.exists()


def test_it_refuses_in_words_an_edit_sent_after_the_edit_window(client, mentor_a, pair_a):
    # Mentor A changed a session offline; the phone sends it 15 days after it was logged.
    session = SessionFactory(
        mentorship=pair_a,
        logged_by=mentor_a,
        topics="Lama",
        created_at=timezone.now() - dt.timedelta(days=15),
    )
    english(client).force_login(mentor_a)
    data = session_data(pair_a, uuid.uuid4(), date=session.date.isoformat(), topics="Baru")
    response = client.post(reverse("programs:session_edit", args=[session.pk]), data, **OFFLINE)
    assert response.status_code == 409
    assert "read-only" in response.json()["reason"]
    session.refresh_from_db()
    assert session.topics == "Lama"


def test_an_edit_window_refusal_is_still_a_message_for_an_ordinary_post(client, mentor_a, pair_a):
    session = SessionFactory(
        mentorship=pair_a, logged_by=mentor_a, created_at=timezone.now() - dt.timedelta(days=15)
    )
    client.force_login(mentor_a)
    data = session_data(pair_a, uuid.uuid4(), date=session.date.isoformat())
    response = client.post(reverse("programs:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == pair_a.get_absolute_url()


def test_a_goal_progress_sent_again_does_not_undo_a_later_one(client, mentor_a, pair_a):
    # The phone sent "50 %"; the answer was lost; the mentor then set 70 % from another
    # page; the phone's retry of "50 %" must not take the goal back.
    goal = DevelopmentGoalFactory(mentorship=pair_a, progress=10)
    client.force_login(mentor_a)
    key = uuid.uuid4()
    data = {"progress": 50, "progress_note": "Separuh", "idempotency_key": str(key)}
    target = reverse("programs:goal_progress", args=[goal.pk])
    assert client.post(target, data, **OFFLINE).json()["status"] == "sent"
    client.post(target, {"progress": 70, "idempotency_key": str(uuid.uuid4())})
    again = client.post(target, data, **OFFLINE)
    assert again.json() == {"status": "sent", "location": pair_a.get_absolute_url()}
    goal.refresh_from_db()
    assert goal.progress == 70


def test_it_refuses_in_words_a_goal_progress_after_the_pair_ended(client, mentor_a, pair_a):
    goal = DevelopmentGoalFactory(mentorship=pair_a, progress=10)
    services.mentorship_end(mentorship=pair_a)
    english(client).force_login(mentor_a)
    data = {"progress": 60, "idempotency_key": str(uuid.uuid4())}
    response = client.post(reverse("programs:goal_progress", args=[goal.pk]), data, **OFFLINE)
    assert response.status_code == 409
    assert "mentoring has ended" in response.json()["reason"]
    goal.refresh_from_db()
    assert goal.progress == 10


def test_another_mentors_key_is_a_404_and_saves_nothing(client, mentor_a, mentor_b, pair_a, pair_b):
    # Mentor B's phone sends with the key of Mentor A's session (copied, or guessed).
    client.force_login(mentor_a)
    key = uuid.uuid4()
    client.post(reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE)
    client.force_login(mentor_b)
    response = client.post(reverse("programs:session_create"), session_data(pair_b, key), **OFFLINE)
    assert response.status_code == 404
    assert Session.objects.count() == 1
    assert Session.objects.get().mentorship == pair_a


def test_another_mentors_pair_or_goal_saves_nothing(client, mentor_b, pair_a):
    # Mentor B's phone sends a session and a goal's progress for Mentor A's mentee.
    goal = DevelopmentGoalFactory(mentorship=pair_a, progress=10)
    client.force_login(mentor_b)
    response = client.post(
        reverse("programs:session_create"), session_data(pair_a, uuid.uuid4()), **OFFLINE
    )
    assert response.status_code == 422
    data = {"progress": 90, "idempotency_key": str(uuid.uuid4())}
    response = client.post(reverse("programs:goal_progress", args=[goal.pk]), data, **OFFLINE)
    assert response.status_code == 404
    assert response.json()["status"] == "refused"
    goal.refresh_from_db()
    assert goal.progress == 10
    assert not Session.objects.exists()
    assert not OfflineSend.objects.exists()


def test_an_ordinary_post_for_another_mentors_goal_is_still_a_404(client, mentor_b, pair_a):
    goal = DevelopmentGoalFactory(mentorship=pair_a)
    client.force_login(mentor_b)
    data = {"progress": 90, "idempotency_key": str(uuid.uuid4())}
    response = client.post(reverse("programs:goal_progress", args=[goal.pk]), data)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_repeated_send_costs_a_fixed_number_of_queries(
    client, mentor_a, pair_a, django_assert_num_queries
):
    client.force_login(mentor_a)
    key = uuid.uuid4()
    client.post(reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE)
    # The login's session, user and role; the key's record. No form, no mentee list.
    with django_assert_num_queries(4):
        client.post(reverse("programs:session_create"), session_data(pair_a, key), **OFFLINE)


@pytest.mark.parametrize("size", [3, 60])
def test_a_session_sent_with_a_key_costs_constant_queries(
    client, mentor_a, size, django_assert_num_queries
):
    # Mentor A has `size` mentees; the phone sends a session with one of them.
    mentor = MentorProfileFactory(user=mentor_a, mentee_capacity=100)
    pairs = [MentorshipFactory(mentor=mentor) for _ in range(size)]
    client.force_login(mentor_a)
    client.get(reverse("programs:session_create"))
    # programs/tests/test_detail_query_counts.py's 19, and the key: looked up, recorded in a
    # savepoint, given its result.
    with django_assert_num_queries(19 + 5):
        response = client.post(
            reverse("programs:session_create"), session_data(pairs[-1], uuid.uuid4()), **OFFLINE
        )
    assert response.json()["status"] == "sent"
