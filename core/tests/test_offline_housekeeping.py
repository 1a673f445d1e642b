"""Beat forgets the keys of offline sends older than 90 days, every night, and keeps the
rest: a draft a phone might still send again keeps its exactly-once guarantee."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import OfflineSend
from core.tasks import OFFLINE_SENDS_KEPT, forget_old_offline_sends
from factories import UserFactory

pytestmark = pytest.mark.django_db


def send(age: dt.timedelta) -> OfflineSend:
    row = OfflineSend.objects.create(key=uuid.uuid4(), user=UserFactory())
    OfflineSend.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


def test_it_forgets_only_the_keys_older_than_ninety_days():
    old = send(OFFLINE_SENDS_KEPT + dt.timedelta(hours=1))
    recent = send(OFFLINE_SENDS_KEPT - dt.timedelta(hours=1))
    assert forget_old_offline_sends() == 1
    assert not OfflineSend.objects.filter(pk=old.pk).exists()
    assert OfflineSend.objects.filter(pk=recent.pk).exists()


def test_beat_runs_it_every_night():
    task = PeriodicTask.objects.get(task="core.tasks.forget_old_offline_sends")
    assert task.enabled and task.crontab.hour == "3" and task.crontab.minute == "45"
