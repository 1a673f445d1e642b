"""The dashboard's recompute and warm-up through the real stack: a Celery worker process
takes the task from Redis, aggregates in PostgreSQL and leaves the figures in Redis, where
the web process reads them."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from factories import AgreementFactory
from kader.dashboard import Scope, cache_key, kept
from kader.tasks import recompute_dashboard, warm_dashboards
from kader.tests.test_celery_worker import wait_for, worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.services


def test_a_worker_recomputes_a_stale_entry_and_releases_its_lock(worker, coordinator):  # noqa: F811
    # A visit found the figures stale, took the lock and queued the task (as below).
    AgreementFactory(status="active")
    scope = Scope(user=coordinator, today=timezone.localdate(), months=6)
    lock = cache_key(scope) + ":computing"
    assert cache.add(lock, True, 60)

    recompute_dashboard.apply_async(kwargs=scope.task_arguments(), queue=worker)

    assert wait_for(lambda: kept(scope) is not None)
    assert kept(scope)["partnerships"]["total"] == 1
    assert wait_for(lambda: cache.get(lock) is None)


def test_a_worker_warms_the_shared_entries(worker, coordinator, admin):  # noqa: F811
    AgreementFactory(status="active")
    today = timezone.localdate()

    warm_dashboards.apply_async(queue=worker)

    for user in (coordinator, admin):
        scope = Scope(user=user, today=today)
        assert wait_for(lambda scope=scope: kept(scope) is not None)
        assert kept(scope)["partnerships"]["total"] == 1
