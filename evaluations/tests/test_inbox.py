"""Every person's inbox: the reminders sent to them on any channel, with their state and a
link to act; the navigation counts the unread ones; opening one marks it read."""

import pytest
from django.utils import timezone

from evaluations.models import Reminder
from factories import EvaluationFactory, ReminderFactory

pytestmark = pytest.mark.django_db
INBOX = "/evaluations/inbox/"


def sent(recipient, channel="email", **fields):
    evaluation = EvaluationFactory(evaluator=recipient)
    return ReminderFactory(
        evaluation=evaluation,
        recipient=recipient,
        status="sent",
        sent_at=timezone.now(),
        channel=channel,
        **fields,
    )


def test_a_mentor_sees_what_was_sent_to_them_on_every_channel(client, mentor_a, mentor_b):
    mine = [sent(mentor_a, "email"), sent(mentor_a, "whatsapp", delivery="delivered")]
    sent(mentor_b)  # someone else's
    ReminderFactory(evaluation=EvaluationFactory(evaluator=mentor_a), recipient=mentor_a)  # pending
    client.force_login(mentor_a)
    page = client.get(INBOX).content.decode()
    assert page.count('data-testid="inbox-item"') == 2
    assert "Diterima" in page and "WhatsApp" in page  # delivered, in words
    for reminder in mine:
        assert f"/evaluations/inbox/{reminder.pk}/" in page
    assert '<span class="visually-hidden">belum dibaca: </span>2</span>' in page


def test_opening_a_reminder_marks_it_read_and_goes_to_the_page(client, mentor_a):
    reminder = sent(mentor_a)
    client.force_login(mentor_a)
    response = client.get(f"/evaluations/inbox/{reminder.pk}/")
    assert response.status_code == 302
    assert response["Location"] == reminder.evaluation.get_absolute_url()
    reminder.refresh_from_db()
    first = reminder.seen_at
    assert first is not None
    client.get(f"/evaluations/inbox/{reminder.pk}/")
    reminder.refresh_from_db()
    assert reminder.seen_at == first
    assert 'data-testid="nav-unread"' not in client.get(INBOX).content.decode()


def test_another_persons_reminder_is_not_found_and_stays_unread(client, mentor_a, mentor_b):
    # Mentor B guesses the address of mentor A's reminder.
    reminder = sent(mentor_a)
    client.force_login(mentor_b)
    assert client.get(f"/evaluations/inbox/{reminder.pk}/").status_code == 404
    assert Reminder.objects.get().seen_at is None


def test_a_coordinator_has_an_inbox_too(client, coordinator):
    sent(coordinator, "sms")
    client.force_login(coordinator)
    assert client.get(INBOX).content.decode().count('data-testid="inbox-item"') == 1


@pytest.mark.parametrize("size", [2, 30])
def test_the_inbox_query_count_is_fixed(client, mentor_a, size, django_assert_num_queries):
    for n in range(size):
        fallback = sent(mentor_a, "email") if n % 2 else None
        sent(mentor_a, "sms", fell_back_from=fallback)
    client.force_login(mentor_a)
    client.get(INBOX)
    # Written out so that a change shows up: the same at both sizes. The reminders here are
    # about agreements' evaluations: the page's query joins each reminder's own subjects,
    # then one more reads the evaluations' agreements (evaluations/views.py SUBJECTS).
    with django_assert_num_queries(EXPECTED):
        client.get(INBOX)


EXPECTED = 9
