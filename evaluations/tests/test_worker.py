"""Reminders through the real stack: beat → Redis → a Celery worker process → an SMTP
server on 127.0.0.1; and what happens when the worker is killed, or Redis goes away."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.roles import MENTOR
from core.testing import rendered_form
from evaluations.models import Evaluation, Reminder, ReminderPreference
from evaluations.reminders import reminders_sweep
from factories import AgreementFactory, UserFactory
from kader.celery import app as celery_app
from testkit import Inbox, SmtpServer, database_url, free_port

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 60, every: float = 0.2, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return condition()


class Processes:
    """Celery worker and beat processes on their own queue, against the test database."""

    def __init__(self, queue: str, env: dict) -> None:
        self.queue, self.env, self.running, self.logs = queue, env, [], []

    def start(self, *args: str) -> subprocess.Popen:
        log = open(BASE_DIR / "var" / f"test-{self.queue}-{len(self.logs)}.log", "w+")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kader", *args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append(process)
        self.logs.append(log)
        return process

    def worker(self) -> subprocess.Popen:
        # Two threads: two sends can be in flight when the worker is killed.
        return self.start(
            "worker",
            "--pool=threads",
            "--concurrency=2",
            "--queues",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        )

    def beat(self) -> subprocess.Popen:
        return self.start("beat", "--loglevel=INFO", "--max-interval=1")

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.seek(0)
            print(log.read()[-3000:])
            log.close()
            os.unlink(log.name)


@contextmanager
def broker(url: str):
    """Point this process's Celery app at another broker, then back."""
    old = celery_app.conf.broker_url

    def switch(to: str) -> None:
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url)
    try:
        yield
    finally:
        switch(old)


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer(free_port(), Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def processes(postgres, redis_url, smtp_server):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SITE_URL": "https://kader.test",
        "CONN_MAX_AGE": "0",
    }
    running = Processes(queue, env)
    with broker(redis_url):
        yield running
    running.stop_all()


def due_today(count: int, evaluator) -> list[Evaluation]:
    agreement = AgreementFactory(status="active", coordinator=None)
    today = timezone.localdate()
    return Evaluation.objects.bulk_create(
        Evaluation(
            agreement=agreement,
            period_start=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            period_end=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            due_date=today,
            evaluator=evaluator,
        )
        for i in range(count)
    )


def test_it_goes_from_beat_through_redis_and_a_worker_to_smtp(processes, smtp_server):
    mentor = UserFactory(username="budi", role=MENTOR, email="budi@example.org")
    english = UserFactory(username="ann", role=MENTOR, email="ann@example.org")
    ReminderPreference.objects.create(user=english, language="en")
    [for_budi], [for_ann] = due_today(1, mentor), due_today(1, english)
    PeriodicTask.objects.update(enabled=False)  # only ours, below, may run
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="test sweep",
        task="evaluations.tasks.sweep_reminders",
        interval=every_second,
        queue=processes.queue,
    )
    processes.worker()
    processes.beat()

    assert wait_for(lambda: len(smtp_server.inbox.messages) >= 2, timeout=90)
    time.sleep(2)  # more beats come; nothing more may arrive
    by_recipient = {m["To"]: m for m in smtp_server.inbox.messages}
    assert len(smtp_server.inbox.messages) == 2
    indonesian, in_english = by_recipient["budi@example.org"], by_recipient["ann@example.org"]
    assert indonesian["Content-Language"] == "id"
    assert in_english["Content-Language"] == "en"
    assert (
        f"https://kader.test/evaluations/{for_budi.pk}/"
        in indonesian.get_body(("plain",)).get_content()
    )
    assert (
        f"https://kader.test/evaluations/{for_ann.pk}/"
        in in_english.get_body(("html",)).get_content()
    )
    assert Reminder.objects.filter(status="sent").count() == 2


def test_planning_stopped_by_its_time_limit_continues_and_the_sweep_follows(processes, smtp_server):
    # A day with much to plan: every run may plan one chunk only (a zero time limit, one
    # subject a chunk). The daily task continues in new messages until the plan is whole,
    # then the sweep sends the reminder that was due.
    from evaluations.services import _mentorships_to_plan
    from factories import MentorshipFactory, ProgramFactory
    from programs.models import Mentorship

    processes.env |= {"KADER_PLANNING_SECONDS": "0", "KADER_PLANNING_CHUNK": "1"}
    program = ProgramFactory(
        start_date=timezone.localdate() - dt.timedelta(days=30),
        end_date=timezone.localdate() + dt.timedelta(days=200),
    )
    pairs = [MentorshipFactory(enrolment__program=program) for _ in range(3)]
    AgreementFactory.create_batch(3, status="active")
    Evaluation.objects.all().delete()  # nothing planned yet
    mentor = UserFactory(username="budi", role=MENTOR, email="budi@example.org")
    [due] = due_today(1, mentor)

    from evaluations.tasks import sweep_reminders

    sweep_reminders.apply_async(queue=processes.queue)
    processes.worker()

    def to_budi():
        return [m for m in smtp_server.inbox.messages if m["To"] == "budi@example.org"]

    assert wait_for(lambda: to_budi(), timeout=90)
    [message] = to_budi()
    assert f"/evaluations/{due.pk}/" in message.get_body(("plain",)).get_content()
    assert not _mentorships_to_plan(Mentorship.objects.active()).exists()
    for pair in pairs:
        assert set(pair.evaluations.values_list("kind", flat=True)) == {"midpoint", "final"}
    assert set(program.evaluations.values_list("kind", flat=True)) == {"midpoint", "final"}
    # Every active agreement has its coming periods.
    assert all(a.evaluations.exists() for a in AgreementFactory._meta.model.objects.active())
    log = processes.logs[0]
    log.seek(0)
    # 4 agreements and 1 program each end a run; the pairs' statement ends the last one.
    assert log.read().count("planning continues after") >= 5


def test_it_survives_a_worker_killed_again_and_again(processes, smtp_server):
    # Four mentors have 50 evaluations due each. The worker sending their reminders is
    # SIGKILLed three times in the middle of the batch; a new one starts each time. Only
    # beat's requeue task (every second here, every 15 minutes in production) may bring
    # back what each dead worker held: the test never sweeps or requeues by itself.
    people, each, kills = 4, 50, 3
    count = people * each
    inbox = smtp_server.inbox
    inbox.delay = 0.03  # a slow SMTP server: sends are in flight most of the time
    mentors = [
        UserFactory(username=f"mentor{n}", role=MENTOR, email=f"mentor{n}@example.org")
        for n in range(people)
    ]
    for mentor in mentors:
        due_today(each, mentor)
    only_beats_requeue(processes.queue)
    processes.env["DJANGO_SETTINGS_MODULE"] = "evaluations.tests.worker_settings"
    worker = processes.worker()
    processes.beat()
    reminders_sweep(queue=processes.queue)  # the morning's sweep decides and enqueues once
    kills_seen = []
    for _ in range(kills):
        # Each kill waits for the live worker to be sending (more arrived since the last).
        floor = len(inbox.messages) + 10
        assert wait_for(lambda f=floor: len(inbox.messages) >= f, timeout=90), outbox()
        before = len(inbox.messages)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        at_kill = outbox()
        kills_seen.append({"received_before": before, "at_kill": at_kill})
        worker = processes.worker()
    assert wait_for(lambda: outbox() == {"sent": count}, timeout=180, every=1), outbox()
    received_after = len(inbox.messages)
    print(f"\n{count} reminders, {kills} kills: {kills_seen}; received {received_after}")
    for kill in kills_seen:
        # Landed in flight: some had been sent, some were claimed or still waiting.
        unsent = sum(n for status, n in kill["at_kill"].items() if status != "sent")
        assert 0 < kill["received_before"] < count, kill
        assert kill["at_kill"].get("sending", 0) >= 1, f"no send was in flight: {kill}"
        assert unsent > 0, kill
    # More arrived after each kill than before it: the next worker carried on.
    received = [k["received_before"] for k in kills_seen] + [received_after]
    assert received == sorted(received) and len(set(received)) == len(received), received
    # Nothing else enqueued after the morning's sweep, and Redis gives a dead worker's
    # messages back only after its 1-hour visibility timeout: the requeue did it.
    assert requeues_that_enqueued(processes) >= 1, "beat's requeue brought them back"
    assert_each_person_got_each_reminder_once(inbox, mentors, kills)


def only_beats_requeue(queue: str) -> None:
    """The requeue every second on the test's queue; no other schedule, no sweep."""
    PeriodicTask.objects.update(enabled=False)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="test requeue",
        task="evaluations.tasks.requeue_reminders",
        interval=every_second,
        queue=queue,
    )


def outbox() -> dict:
    return dict(Counter(Reminder.objects.values_list("status", flat=True)))


def requeues_that_enqueued(processes) -> int:
    """Runs of the requeue task, in the workers' logs, that enqueued something."""
    found = 0
    for log in processes.logs:
        log.flush()
        log.seek(0)
        text = log.read()
        found += len(
            [
                m
                for m in re.findall(
                    r"requeue_reminders\[[^\]]+\] succeeded in [\d.]+s: (\d+)", text
                )
                if int(m) > 0
            ]
        )
    return found


def assert_each_person_got_each_reminder_once(inbox: Inbox, mentors, kills: int) -> None:
    rows = {r.message_id: r for r in Reminder.objects.select_related("recipient")}
    arrived = Counter((m["To"], m["Message-ID"]) for m in inbox.messages)
    expected = {(r.recipient.email, mid) for mid, r in rows.items()}
    assert set(arrived) == expected, "each person got each of their reminders, none lost"
    for mentor in mentors:
        mine = {mid for (to, mid) in arrived if to == mentor.email}
        assert len(mine) == Reminder.objects.filter(recipient=mentor).count()
    # A second copy only for a send caught between the SMTP server's acceptance and the
    # row's update (two threads per kill); it carries the same Message-ID, so a mail
    # client shows it once.
    twice = {key: n for key, n in arrived.items() if n > 1}
    assert len(twice) <= kills * 2, twice
    assert all(n == 2 and rows[mid].attempts >= 2 for (_to, mid), n in twice.items()), twice


def test_pages_and_saving_work_while_redis_is_down_and_reminders_follow(
    processes, smtp_server, client, settings
):
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    own_redis = f"redis://127.0.0.1:{port}/0"
    processes.env["CELERY_BROKER_URL"] = own_redis
    try:
        time.sleep(0.5)
        _redis_down_then_up(processes, smtp_server, client, own_redis, redis, port)
    finally:
        if redis.poll() is None:
            redis.terminate()
            redis.wait()


def _redis_down_then_up(processes, smtp_server, client, own_redis, redis, port) -> None:
    coordinator = UserFactory(username="sari", role="coordinator", email="sari@example.org")
    mentor = UserFactory(username="budi", role=MENTOR, email="budi@example.org")
    [evaluation] = due_today(1, mentor)
    Evaluation.objects.filter(pk=evaluation.pk).update(status="in_progress")
    evaluation.agreement.coordinator = coordinator
    evaluation.agreement.save()
    redis.terminate()
    redis.wait()
    with broker(own_redis):
        client.force_login(mentor)
        for page in ("/evaluations/mine/", f"/evaluations/{evaluation.pk}/"):
            assert client.get(page).status_code == 200
        # The form as the page renders it, as a browser sends it: hand-written data once
        # saved an evaluation here that no browser could save.
        form = rendered_form(
            client, f"/evaluations/{evaluation.pk}/fill/", testid="evaluation-form"
        )
        started = time.monotonic()
        response = form.submit(client, {"findings": "Mitra aktif."}, button="submit")
        # An agreement with no indicators, the case real browsers could not save: this
        # fails until that page renders its indicators' management form.
        assert response.status_code == 302, response.context["indicator_formset"].non_form_errors()
        assert time.monotonic() - started < 10  # the broker being down costs no minutes
        evaluation.refresh_from_db()
        assert evaluation.status == "submitted"
        assert Reminder.objects.get(kind="submitted").status == "pending"

        # Redis comes back, a worker starts, the next sweep enqueues what is pending.
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            processes.worker()
            reminders_sweep(queue=processes.queue)
            assert wait_for(lambda: len(smtp_server.inbox.messages) == 1, timeout=60)
            assert smtp_server.inbox.messages[0]["To"] == "sari@example.org"
        finally:
            processes.stop_all()
            processes.running.clear()
            processes.logs.clear()
            redis.terminate()
            redis.wait()
