"""Nobody waits for a cold dashboard: stale figures are shown while one background task
computes new ones, beat keeps the shared entries warm, and the figures are kept in no
language (one entry serves Indonesian and English)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from dashboard import figures, figures_cache, tasks
from dashboard.figures import Scope
from dashboard.figures_cache import cache_key, kept
from factories import AgreementFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The recomputes the requests queue (the broker is another test's business)."""
    calls = []
    monkeypatch.setattr(tasks.recompute_dashboard, "delay", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def later(monkeypatch):
    """Move the clock the dashboard reads forward by some minutes."""

    def move(minutes: float) -> dt.datetime:
        moment = timezone.now() + dt.timedelta(minutes=minutes)
        monkeypatch.setattr(figures_cache.timezone, "now", lambda: moment)
        return moment

    return move


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context


def test_stale_figures_are_shown_and_recomputed_once_in_the_background(
    client, coordinator, queued, later
):
    # The coordinator comes back after six minutes: the page answers with what it has
    # (and its time), and one recompute is queued however often the page is opened.
    AgreementFactory(status="active")
    client.force_login(coordinator)
    first = home(client)
    AgreementFactory(status="active")
    later(6)
    for _ in range(5):
        page = home(client)
        assert page["partnerships"]["total"] == 1
        assert page["as_of"] == first["as_of"]
    assert len(queued) == 1

    # The worker runs the task (here, in this process): the next visit has new figures.
    tasks.recompute_dashboard(**queued[0])
    assert home(client)["partnerships"]["total"] == 2
    assert len(queued) == 1  # fresh again: nothing more queued


def test_fresh_figures_queue_nothing(client, coordinator, queued, later):
    client.force_login(coordinator)
    home(client)
    later(4)
    home(client)
    assert queued == []


def test_the_lock_stops_a_second_computation_of_the_same_entry(coordinator, monkeypatch):
    # A recompute is under way (its lock held): beat's warm-up and a second worker leave
    # the entry alone instead of running the national aggregates twice at once.
    scope = Scope(user=coordinator, today=timezone.localdate())
    assert cache.add(cache_key(scope) + ":computing", True, 60)
    monkeypatch.setattr(figures, "build", lambda scope: pytest.fail("computed twice"))
    assert figures_cache.recompute(scope) is None
    assert figures_cache.warm() == 0


def test_the_lock_is_released_after_a_computation(coordinator):
    scope = Scope(user=coordinator, today=timezone.localdate())
    assert figures_cache.recompute(scope) is not None
    assert cache.add(cache_key(scope) + ":computing", True, 60)


def test_a_queued_recompute_rebuilds_the_same_scope(coordinator, mentor_a):
    # The task gets ids: it must rebuild the scope of whoever asked, filters and all.
    program = ProgramFactory()
    for user, shown in ((coordinator, program), (mentor_a, None)):
        scope = Scope(user=user, today=dt.date(2026, 3, 5), months=6, basis="x", program=shown)
        again = Scope.from_task_arguments(**scope.task_arguments())
        assert again == scope
        assert cache_key(again) == cache_key(scope)


def test_warming_fills_each_shared_audience_and_not_twice_in_a_row(
    client, coordinator, admin, mentor_a
):
    # Beat runs the warm-up: coordinators and admins then open a dashboard without a query
    # for its figures; a mentor's own entry is not theirs to warm.
    AgreementFactory(status="active")
    assert figures_cache.warm() == 2
    today = timezone.localdate()
    for user in (coordinator, admin):
        assert kept(Scope(user=user, today=today))["partnerships"]["total"] == 1
    assert kept(Scope(user=mentor_a, today=today)) is None
    assert figures_cache.warm() == 0  # computed a moment ago


def test_a_warm_up_out_of_time_leaves_the_rest_to_the_next_run_coldest_first(
    coordinator, admin, later
):
    # No time left after the first scope: each run warms one, the one without figures
    # first, then the one whose figures are oldest; the young ones are left alone.
    AgreementFactory(status="active")
    today = timezone.localdate()
    scopes = [Scope(user=user, today=today) for user in (coordinator, admin)]
    assert figures_cache.warm(seconds=0) == 1
    assert sum(kept(scope) is not None for scope in scopes) == 1
    assert figures_cache.warm(seconds=0) == 1
    assert all(kept(scope) is not None for scope in scopes)
    assert figures_cache.warm(seconds=0) == 0  # both computed a moment ago
    later(figures_cache.WARM_MINUTES)
    first = min(scopes, key=lambda scope: kept(scope)["as_of"])
    assert figures_cache.warm(seconds=0) == 1
    assert kept(first)["as_of"] == max(kept(scope)["as_of"] for scope in scopes)


def test_warming_recomputes_before_the_figures_go_stale(coordinator, later):
    AgreementFactory(status="active")
    figures_cache.warm()
    AgreementFactory(status="active")
    later(figures_cache.WARM_MINUTES)
    assert figures_cache.warm() == 1
    scope = Scope(user=coordinator, today=timezone.localdate())
    assert kept(scope)["partnerships"]["total"] == 2


def test_beat_warms_within_the_time_figures_stay_fresh():
    task = PeriodicTask.objects.get(task="kader.tasks.warm_dashboards")
    assert task.enabled
    every = dt.timedelta(**{task.interval.period: task.interval.every})
    assert every == dt.timedelta(minutes=figures_cache.WARM_MINUTES)
    # An entry skipped as too young is recomputed at the next run, before it goes stale,
    # with time left for a national build (11–18 s).
    slack = (
        dt.timedelta(seconds=figures_cache.FRESH_SECONDS) - every - figures_cache.WARM_SKIP_YOUNGER
    )
    assert slack >= dt.timedelta(seconds=20)


def test_one_entry_serves_both_languages(coordinator):
    # Computed for an English-speaking coordinator, read by an Indonesian-speaking one.
    scope = Scope(user=coordinator, today=timezone.localdate())
    with translation.override("en"):
        kept = figures_cache.cached_build(scope)
        assert str(kept["pipeline"]["stages"][0]["label"]) == "Candidate"
    with translation.override("id"):
        again = figures_cache.cached_build(scope)
        assert again["as_of"] == kept["as_of"]
        assert str(again["pipeline"]["stages"][0]["label"]) == "Calon"


def test_kept_figures_render_as_fresh_ones_in_both_languages(client, coordinator):
    """The figures are kept with their labels untranslated (`_Text`, cheap to unpickle)
    and their HTML is kept per language: each read serves the same page as a fresh build."""
    AgreementFactory()
    ProgramFactory()
    client.force_login(coordinator)
    scope = Scope(user=coordinator, today=timezone.localdate())
    url = reverse("home")

    def page(language: str) -> str:
        client.cookies["kader_language"] = language
        html = client.get(url).content.decode()
        # The CSRF token differs per response, the time of the figures per build (should a
        # minute turn during the test) and the login's seconds left per second; nothing
        # else may.
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        html = re.sub(r'data-seconds-left="\d+"', "", html)
        return re.sub(r'(data-testid="as-of"[^>]*>)[^<]*', r"\1", html)

    fresh = {}
    for language in ("id", "en"):
        cache.clear()
        fresh[language] = page(language)  # built in the request, in this language
    cache.clear()
    first = page("en")  # builds the figures once, keeps the English HTML
    assert first == fresh["en"]
    assert page("id") == fresh["id"]  # kept figures, unpickled, rendered in Indonesian
    assert page("id") == fresh["id"]  # kept Indonesian HTML
    assert page("en") == fresh["en"]
    assert "Calon" in fresh["id"] and "Candidate" in fresh["en"]
    assert type(kept(scope)["pipeline"]["stages"][0]["label"]).__name__ == "_Text"
