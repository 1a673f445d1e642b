from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


# The name is what beat's schedule stores (migration 0002): it stays as it was before the move.
@shared_task(name="kader.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Housekeeping, scheduled daily by a migration: expired logins leave the database."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
