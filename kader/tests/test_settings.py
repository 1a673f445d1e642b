"""Settings come from the environment; production refuses to start unsafely."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
# Set by pytest.ini or the browser fixtures; a production process would not have them.
TEST_ONLY_VARIABLES = {"DEBUG", "SECRET_KEY", "HTTPS", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kader.example.org",
    }


def test_it_passes_the_deployment_checklist_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_without_a_secret_key_in_debug():
    result = manage("check", env={"DEBUG": "1", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_it_runs_in_jakarta_time_and_speaks_indonesian_first():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


def test_it_uses_the_database_scheduler_for_periodic_tasks():
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_a_cold_dashboard_is_built_by_a_worker_only_when_the_cache_is_shared():
    # Without Redis each process has its own cache: a worker's figures would never reach
    # the page, which would say "being computed" for ever.
    script = "from django.conf import settings; print(settings.KADER_DASHBOARD_COLD_IN_REQUEST)"
    shown = {}
    for name, redis in (("without", ""), ("with", "redis://127.0.0.1:6379/0")):
        env = {"DEBUG": "1", "SECRET_KEY": "x", "REDIS_URL": redis}
        result = manage("shell", "-c", script, env=env)
        assert result.returncode == 0, result.stderr
        shown[name] = result.stdout.split()[-1]  # after the shell's own greeting
    assert shown == {"without": "True", "with": "False"}
