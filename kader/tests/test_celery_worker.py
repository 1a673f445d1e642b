"""A real Celery worker process takes a task from Redis and changes PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.tasks import clear_expired_sessions

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(postgres, redis_url, transactional_db):
    """A worker on its own queue, against the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kader",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.services
def test_it_clears_expired_sessions_through_a_real_worker(worker):
    expired = SessionStore()
    expired["who"] = "gone"
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    fresh = SessionStore()
    fresh.create()

    clear_expired_sessions.apply_async(queue=worker)

    assert wait_for(lambda: not Session.objects.filter(pk=expired.session_key).exists())
    assert Session.objects.filter(pk=fresh.session_key).exists()


@pytest.mark.django_db
def test_it_schedules_the_housekeeping_in_the_database():
    task = PeriodicTask.objects.get(task="kader.tasks.clear_expired_sessions")
    assert task.enabled
    assert str(task.crontab.timezone) == "Asia/Jakarta"
