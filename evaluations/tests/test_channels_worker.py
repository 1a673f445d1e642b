"""WhatsApp and SMS reminders through the real stack: Redis → a Celery worker process →
imitations of the providers on 127.0.0.1; a 429 honoured by the worker, a permanent
failure handed on to the next channel, and the worker killed again and again (the e-mail
proof of test_worker.py, repeated for each provider)."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import MobileNumber
from accounts.roles import MENTOR
from evaluations.models import Reminder, ReminderPreference
from evaluations.reminders import reminders_sweep
from evaluations.tests.test_worker import (  # the e-mail proof's own tools
    due_today,
    only_beats_requeue,
    outbox,
    processes,  # noqa: F401 (a fixture)
    requeues_that_enqueued,
    smtp_server,  # noqa: F401 (a fixture)
    wait_for,
)
from factories import UserFactory
from testkit import ProviderImitation, provider_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def mentor_on(channel: str, n: int = 0):
    mentor = UserFactory(username=f"mentor{n}", role=MENTOR, email=f"mentor{n}@example.org")
    MobileNumber.objects.create(
        user=mentor, number=f"+62812000{n:05d}", confirmed_at=timezone.now()
    )
    ReminderPreference.objects.create(user=mentor, channels={"due_today": channel})
    return mentor


def test_a_whatsapp_reminder_waits_out_a_429_in_the_worker(worker, whatsapp_api):
    whatsapp_api.script = [("429", 2)]
    mentor = mentor_on("whatsapp")
    due_today(1, mentor)
    reminders_sweep(queue=worker)
    assert wait_for(lambda: outbox() == {"sent": 1}, timeout=60), outbox()
    first, second = whatsapp_api.requests
    assert second["at"] - first["at"] >= 2  # not before the Retry-After
    assert len(whatsapp_api.accepted) == 1
    row = Reminder.objects.get()
    assert (row.channel, row.attempts, row.provider_message_id) == ("whatsapp", 2, "wamid.HBg1")


def test_an_unreachable_number_falls_back_to_sms_in_the_worker(worker, whatsapp_api, sms_gateway):
    whatsapp_api.script = [("unreachable",)]
    mentor = mentor_on("whatsapp")
    due_today(1, mentor)
    reminders_sweep(queue=worker)
    assert wait_for(lambda: outbox() == {"failed": 1, "sent": 1}, timeout=60), outbox()
    failed, sent = Reminder.objects.order_by("pk")
    assert (failed.channel, sent.channel, sent.fell_back_from_id) == ("whatsapp", "sms", failed.pk)
    assert len(sms_gateway.accepted) == 1


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_it_survives_a_worker_killed_again_and_again(processes, channel):  # noqa: F811
    # Four mentors chose `channel` and have 50 evaluations due each. The worker sending is
    # SIGKILLed three times mid-batch; only beat's requeue brings back what each dead worker
    # held. Each mentor gets each reminder once at the provider, counting its idempotency.
    people, each, kills = 4, 50, 3
    count = people * each
    imitation = ProviderImitation(channel).start()
    imitation.delay = 0.03  # a slow provider: sends are in flight most of the time
    pair = (imitation, None) if channel == "whatsapp" else (None, imitation)
    processes.env |= provider_env(*pair)
    try:
        mentors = [mentor_on(channel, n) for n in range(people)]
        for mentor in mentors:
            due_today(each, mentor)
        only_beats_requeue(processes.queue)
        processes.env["DJANGO_SETTINGS_MODULE"] = "evaluations.tests.worker_settings"
        worker = processes.worker()
        processes.beat()
        reminders_sweep(queue=processes.queue)
        kills_seen = []
        for _ in range(kills):
            floor = len(imitation.requests) + 10
            assert wait_for(lambda f=floor: len(imitation.requests) >= f, timeout=90), outbox()
            before = len(imitation.accepted)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            kills_seen.append({"accepted_before": before, "at_kill": outbox()})
            worker = processes.worker()
        assert wait_for(lambda: outbox() == {"sent": count}, timeout=180, every=1), outbox()
        print(f"\n{channel}: {count} reminders, {kills} kills: {kills_seen}")
        for kill in kills_seen:
            assert 0 < kill["accepted_before"] < count, kill
            assert sum(n for s, n in kill["at_kill"].items() if s != "sent") > 0, kill
        assert requeues_that_enqueued(processes) >= 1, "beat's requeue brought them back"
        assert_each_person_got_each_reminder_once(imitation, mentors, kills)
    finally:
        imitation.stop()


def assert_each_person_got_each_reminder_once(imitation, mentors, kills: int) -> None:
    rows = {r.idempotency_key: r for r in Reminder.objects.all()}
    assert set(imitation.accepted) == set(rows), "each reminder arrived, none lost"
    numbers = {
        m.pk: str(m.mobile.number).lstrip("+" if imitation.kind == "whatsapp" else "")
        for m in mentors
    }
    for mentor in mentors:
        got = [k for k, m in imitation.accepted.items() if m["json"]["to"] == numbers[mentor.pk]]
        assert len(got) == Reminder.objects.filter(recipient=mentor).count()
    # A second request only for a send caught between the provider's answer and the row's
    # update; it carried the same key, so the provider kept one message.
    sent = Counter(r["headers"]["idempotency-key"] for r in imitation.requests)
    twice = {key: n for key, n in sent.items() if n > 1}
    assert len(twice) <= kills * 2, twice
    assert all(rows[key].attempts >= 2 for key in twice), twice
    for key, message in imitation.accepted.items():
        assert message["id"] == rows[key].provider_message_id
