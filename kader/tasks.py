from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from kader import dashboard


@shared_task
def clear_expired_sessions() -> int:
    """Housekeeping, scheduled daily by a migration: expired logins leave the database."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def recompute_dashboard(**scope_arguments) -> None:
    """Queued by a visit that found stale figures; it holds the entry's lock until done."""
    dashboard.recompute(dashboard.Scope.from_task_arguments(**scope_arguments), locked=True)


@shared_task
def warm_dashboards() -> int:
    """Scheduled every few minutes by a migration: the shared entries never go cold."""
    return dashboard.warm()
