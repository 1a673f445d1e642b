import datetime as dt

from celery import shared_task
from django.utils import timezone

from dashboard import export_jobs, figures, figures_cache

# Task names are what beat's schedule and queued messages store: they stay as they were
# before the dashboard left the project package.


@shared_task(name="kader.tasks.recompute_dashboard")
def recompute_dashboard(**scope_arguments) -> None:
    """Queued by a visit that found stale figures; it holds the entry's lock until done."""
    figures_cache.recompute(figures.Scope.from_task_arguments(**scope_arguments), locked=True)


@shared_task(name="kader.tasks.warm_dashboards")
def warm_dashboards() -> int:
    """Scheduled every few minutes by a migration: the shared entries never go cold."""
    return figures_cache.warm()


@shared_task(name="dashboard.tasks.build_export")
def build_export(export_id: int) -> None:
    """Queued by an export request over the threshold (dashboard/export_jobs.py)."""
    try:
        export_jobs.export_build(export_id=export_id)
    except Exception as exc:
        export_jobs.export_failed(export_id=export_id, exc=exc)
        raise


@shared_task(name="dashboard.tasks.expire_exports")
def expire_exports() -> int:
    """Scheduled hourly by a migration: expired files and rows go, lost ones are queued."""
    now = timezone.now()
    export_jobs.exports_requeue_lost(now=now, after=dt.timedelta(minutes=15))
    return export_jobs.exports_delete_expired(now=now)
