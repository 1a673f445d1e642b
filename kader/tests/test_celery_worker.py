"""A real Celery worker process takes a task from Redis and changes PostgreSQL."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.tasks import clear_expired_sessions
from testkit import wait_for


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
