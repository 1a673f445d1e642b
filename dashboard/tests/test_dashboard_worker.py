"""The dashboard's recompute and warm-up through the real stack: a Celery worker process
takes the task from Redis, aggregates in PostgreSQL and leaves the figures in Redis, where
the web process reads them."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from dashboard.figures import Scope
from dashboard.figures_cache import cache_key, kept
from dashboard.tasks import recompute_dashboard, warm_dashboards
from factories import AgreementFactory
from testkit import wait_for

pytestmark = pytest.mark.services


def test_a_worker_recomputes_a_stale_entry_and_releases_its_lock(worker, coordinator):
    # A visit found the figures stale, took the lock and queued the task (as below).
    AgreementFactory(status="active")
    scope = Scope(user=coordinator, today=timezone.localdate(), months=6)
    lock = cache_key(scope) + ":computing"
    assert cache.add(lock, True, 60)

    recompute_dashboard.apply_async(kwargs=scope.task_arguments(), queue=worker)

    assert wait_for(lambda: kept(scope) is not None)
    assert kept(scope)["partnerships"]["total"] == 1
    assert wait_for(lambda: cache.get(lock) is None)


def test_a_worker_warms_the_shared_entries(worker, coordinator, admin):
    AgreementFactory(status="active")
    today = timezone.localdate()

    warm_dashboards.apply_async(queue=worker)

    for user in (coordinator, admin):
        scope = Scope(user=user, today=today)
        assert wait_for(lambda scope=scope: kept(scope) is not None)
        assert kept(scope)["partnerships"]["total"] == 1


@pytest.fixture
def cold_builds_on(worker, settings, monkeypatch):
    """Production's default (cold dashboards built by a worker), on this test's worker: it
    listens on its own queue, not the default one another worker may serve."""
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = False
    monkeypatch.setattr(
        recompute_dashboard,
        "delay",
        lambda **arguments: recompute_dashboard.apply_async(kwargs=arguments, queue=worker),
    )
    return worker


def test_a_cold_dashboard_answers_at_once_and_fills_in_from_the_worker(
    cold_builds_on, coordinator, client
):
    """Filters nobody has opened: the page answers without the figures, says they are on
    their way and fetches itself again (htmx); the worker's figures then fill it in."""
    AgreementFactory(status="active")
    client.force_login(coordinator)
    scope = Scope(user=coordinator, today=timezone.localdate(), months=6)

    first = client.get("/", {"months": 6})
    assert first.status_code == 200 and first.context["computing"]
    html = first.content.decode()
    assert 'data-testid="computing"' in html and 'hx-trigger="load delay:2s"' in html
    assert 'data-testid="as-of"' not in html

    assert wait_for(lambda: kept(scope) is not None)
    again = client.get("/", {"months": 6}, headers={"HX-Request": "true"})
    assert not again.context["computing"]
    html = again.content.decode()
    assert 'id="dashboard-body"' in html and 'data-testid="computing"' not in html
    assert again.context["partnerships"]["total"] == 1


def test_a_cold_dashboard_without_a_broker_is_built_in_the_request(
    coordinator, client, settings, monkeypatch
):
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = False

    def broker_down(**arguments):
        raise ConnectionError("broker down")

    monkeypatch.setattr(recompute_dashboard, "delay", broker_down)
    AgreementFactory(status="active")
    client.force_login(coordinator)
    response = client.get("/")
    assert not response.context["computing"]
    assert response.context["partnerships"]["total"] == 1
    assert (
        cache.get(cache_key(Scope(user=coordinator, today=timezone.localdate())) + ":computing")
        is None
    )
