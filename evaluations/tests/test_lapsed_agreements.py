"""Agreements past their end date: the daily step marks them ended (with history) and
tells their coordinator once, by e-mail in the coordinator's language."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from evaluations.models import Reminder, ReminderKind, ReminderPreference
from evaluations.reminders import agreements_end_lapsed, reminder_send
from evaluations.tasks import end_lapsed_agreements
from factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db
END = dt.date(2025, 6, 30)


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def agreements(coordinator):
    other = UserFactory(username="coord_en", role="coordinator", email="en@example.org")
    ReminderPreference.objects.create(user=other, language="en")
    return {
        "lapsing": AgreementFactory(
            title="Kemitraan Lama", status="active", coordinator=coordinator, end_date=END
        ),
        "english": AgreementFactory(
            title="Old Partnership", status="active", coordinator=other, end_date=END
        ),
        "running": AgreementFactory(
            status="active", coordinator=coordinator, end_date=END + dt.timedelta(days=1)
        ),
        "open_ended": AgreementFactory(status="active", coordinator=coordinator, end_date=None),
        "draft": AgreementFactory(status="draft", coordinator=coordinator, end_date=END),
    }


def test_it_ends_lapsed_agreements_and_tells_each_coordinator_once(agreements, smtp):
    # The day after the end date, the daily step runs (twice: a repeat changes nothing).
    with at(END):
        assert agreements_end_lapsed(enqueue=False) == []
    with at(END + dt.timedelta(days=1)):
        ids = agreements_end_lapsed(enqueue=False)
        assert agreements_end_lapsed(enqueue=False) == []
    for agreement in agreements.values():
        agreement.refresh_from_db()
    assert agreements["lapsing"].status == "ended"
    assert agreements["lapsing"].closed_on == END
    assert agreements["english"].status == "ended"
    assert {a.status for k, a in agreements.items() if k not in ("lapsing", "english")} == {
        "active",
        "draft",
    }
    lapsed = Reminder.objects.filter(kind=ReminderKind.AGREEMENT_LAPSED)
    assert sorted(ids) == sorted(lapsed.values_list("pk", flat=True))
    assert lapsed.count() == 2
    for reminder_id in ids:
        reminder_send(reminder_id=reminder_id)
    by_address = {m["To"]: m for m in smtp.inbox.messages}
    assert len(smtp.inbox.messages) == 2
    english = by_address["en@example.org"]
    assert english["Subject"] == "Agreement ended: Old Partnership"
    indonesian = by_address[agreements["lapsing"].coordinator.email]
    assert "Kemitraan Lama" in indonesian["Subject"]
    assert indonesian["Content-Language"] == "id"
    assert "Agreement ended" not in indonesian["Subject"]


def test_it_leaves_history_the_admin_can_read(agreements, client, admin):
    # The admin asks who ended the agreement, and when: the system, the day after its end.
    with at(END + dt.timedelta(days=1)):
        agreements_end_lapsed(enqueue=False)
    record = agreements["lapsing"].history.order_by("-history_id").first()
    assert (record.history_type, record.status, record.history_user) == ("~", "ended", None)
    assert record.history_date.date() == END + dt.timedelta(days=1)
    client.force_login(admin)
    url = reverse("admin:partners_agreement_history", args=[agreements["lapsing"].pk])
    assert "Ended: the end date passed" in client.get(url).content.decode()


def test_it_runs_as_a_task_on_its_daily_schedule(agreements):
    # Beat finds the step in the database schedule; the task itself ends what lapsed.
    task = PeriodicTask.objects.get(task="evaluations.tasks.end_lapsed_agreements")
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("0", "30", True)
    with at(END + dt.timedelta(days=2)):
        end_lapsed_agreements.apply()
    agreements["lapsing"].refresh_from_db()
    assert agreements["lapsing"].status == "ended"
