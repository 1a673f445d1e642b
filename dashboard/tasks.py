from celery import shared_task

from dashboard import figures, figures_cache

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
