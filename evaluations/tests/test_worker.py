"""Reminders through the real stack: beat → Redis → a Celery worker process → an SMTP
server on 127.0.0.1; and what happens when the worker is killed, or Redis goes away."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from evaluations.models import Evaluation, Reminder, ReminderPreference
from evaluations.reminders import reminders_sweep
from evaluations.tests.conftest import Inbox, SmtpServer, free_port
from factories import AgreementFactory, UserFactory
from kader.celery import app as celery_app
from kader.roles import MENTOR
from kader.tests.forms_as_rendered import rendered_form

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{host}:{port}/{db['NAME']}"


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


def test_it_survives_a_worker_killed_again_and_again(processes, smtp_server, settings):
    count, kills = 200, 3
    # Seconds: a send takes milliseconds here, but a loaded CI machine may stall a while.
    settings.REMINDER_SENDING_TIMEOUT = 4
    smtp_server.inbox.delay = 0.03  # ~6 s for all of them: time to kill the worker
    mentor = UserFactory(username="budi", role=MENTOR, email="budi@example.org")
    due_today(count, mentor)
    worker = processes.worker()
    reminders_sweep(queue=processes.queue)
    for _ in range(kills):
        time.sleep(1.2)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker = processes.worker()
        time.sleep(4.1)  # rows the dead worker held are now "stuck"
        reminders_sweep(queue=processes.queue)  # what the next beat does

    def every_row_sent() -> bool:
        return Reminder.objects.filter(status="sent").count() == count

    def beat() -> None:
        reminders_sweep(queue=processes.queue)

    assert wait_for(every_row_sent, timeout=120, every=1, tick=beat), Counter(
        Reminder.objects.values_list("status", flat=True)
    )
    sent = Counter(smtp_server.inbox.message_ids())
    rows = {r.message_id: r for r in Reminder.objects.all()}
    assert set(sent) == set(rows), "every reminder arrived"
    twice = {mid: n for mid, n in sent.items() if n > 1}
    print(f"\n{count} reminders, {kills} kills; sent twice (crash window): {sorted(twice)}")
    # A copy arrives twice only when a worker died between the SMTP server's acceptance
    # and the row's update: at most one per send in flight per kill, each one retried.
    assert len(twice) <= kills * 2
    assert all(n == 2 and rows[mid].attempts >= 2 for mid, n in twice.items())


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
