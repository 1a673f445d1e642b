"""Core's housekeeping: the keys of offline sends that no phone can still repeat."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.models import OfflineSend

# A phone holds a draft until it is sent or discarded: days, not months. A key older than
# this is forgotten; the same draft sent again after it would be saved as new.
OFFLINE_SENDS_KEPT = dt.timedelta(days=90)


@shared_task(name="core.tasks.forget_old_offline_sends")
def forget_old_offline_sends() -> int:
    """Scheduled daily by a migration: offline sends older than OFFLINE_SENDS_KEPT go (one
    statement on the `created_at` index)."""
    cutoff = timezone.now() - OFFLINE_SENDS_KEPT
    deleted, _ = OfflineSend.objects.filter(created_at__lt=cutoff).delete()
    return deleted
