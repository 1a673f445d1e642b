"""Without Redis (`make run`), the web server and the worker still share one cache: the
figures a worker recomputes are the ones the next page shows (issue 14: with a cache in
each process's memory, new sessions appeared only after someone pressed Refresh)."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboard import figures, figures_cache, tasks
from factories import SessionFactory
from testkit import BASE_DIR, database_url

pytestmark = pytest.mark.django_db(transaction=True)
# What pytest.ini or a services run put into the environment, and `make run` has not.
SERVICE_VARIABLES = {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage_without_redis(cache_dir, *args: str, extra: dict | None = None) -> str:
    """Run manage.py in another process as `make run` starts it: no REDIS_URL."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env |= {"DEBUG": "1", "KADER_CACHE_DIR": str(cache_dir), **(extra or {})}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def embedded_cache(cache_dir) -> dict:
    printed = manage_without_redis(
        cache_dir,
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default'], default=str))",
    )
    return json.loads(printed.strip().splitlines()[-1])


def test_it_keeps_the_cache_in_files_every_process_shares_without_redis(tmp_path):
    default = embedded_cache(tmp_path / "cache")
    assert default["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert default["LOCATION"] == str(tmp_path / "cache")


@pytest.fixture
def worker_process(postgres, tmp_path, monkeypatch):
    """The worker, as a separate process without Redis: each task the web process queues
    runs there at once (`manage.py shell`, the task's own function)."""
    runs = []

    def delay(**arguments):
        code = (
            "import json, os; from dashboard import tasks; "
            "tasks.recompute_dashboard(**json.loads(os.environ['SCOPE']))"
        )
        scope = json.dumps(arguments)
        manage_without_redis(
            tmp_path / "cache",
            "shell",
            "-c",
            code,
            extra={"DATABASE_URL": database_url(), "CONN_MAX_AGE": "0", "SCOPE": scope},
        )
        runs.append(arguments)

    monkeypatch.setattr(tasks.recompute_dashboard, "delay", delay)
    return runs


def age_figures(scope: figures.Scope, minutes: int) -> None:
    kept = figures_cache.kept(scope)
    kept["as_of"] -= dt.timedelta(minutes=minutes)
    cache.set(
        figures_cache.cache_key(scope), figures_cache._encode(kept), figures_cache.KEEP_SECONDS
    )


def test_figures_a_worker_process_recomputes_reach_the_web_process(
    client, coordinator, settings, tmp_path, worker_process
):
    # The web process (this one) uses the cache `make run` gets, in this test's folder.
    settings.CACHES = {**settings.CACHES, "default": embedded_cache(tmp_path / "cache")}
    client.force_login(coordinator)
    first = client.get(reverse("home"))
    assert first.context["mentoring"]["sessions"] == 0

    # A mentor logs a session; six minutes later the coordinator looks again: the kept
    # figures are stale, so the page queues a recompute, which the worker process runs.
    SessionFactory(date=dt.date.today())
    scope = first.context["scope"]
    age_figures(scope, minutes=6)
    client.get(reverse("home"))
    assert len(worker_process) == 1

    # The next page shows the worker's figures, not the web process's own stale copy.
    fresh = client.get(reverse("home"))
    assert fresh.context["mentoring"]["sessions"] == 1
