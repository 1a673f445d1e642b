"""The benchmark's reference pages (devtools/bench.py) are not part of production.

Issue 15: any logged-in user could reach /bench/floor in production. They are mounted only
with DEBUG or KADER_BENCH_PAGES=1 (pytest.ini and bench/run.py set it).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.urls import NoReverseMatch, reverse
import django
django.setup()
try:
    print(reverse("bench_floor"), reverse("bench_layout"))
except NoReverseMatch:
    print("absent")
"""


def urls_under(**env_vars: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "KADER_BENCH_PAGES")}
    env.update(DJANGO_SETTINGS_MODULE="kader.settings", SECRET_KEY="x" * 60, **env_vars)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_settings_do_not_mount_them():
    assert urls_under(DEBUG="0") == "absent"


@pytest.mark.parametrize("env_vars", [{"DEBUG": "1"}, {"DEBUG": "0", "KADER_BENCH_PAGES": "1"}])
def test_a_development_machine_or_the_harness_mounts_them(env_vars):
    assert urls_under(**env_vars) == "/bench/floor /bench/layout"
