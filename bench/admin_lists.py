"""Every Django admin changelist and add page over a seeded tier, one request at a time.

    DATABASE_URL=… KADER_REQUIRE_2FA=0 .venv/bin/python bench/admin_lists.py [word …]

Logs in as `scale-admin` through Django's test client and prints, per registered model, the
best and worst of three GETs of the changelist (and one of its add page) with the number of
queries. Words keep only the models whose label contains one of them. Reads only.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("KADER_REQUIRE_2FA", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG=0 without collectstatic: plain static URLs (no manifest) are fine for timing.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def timed(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), response.status_code


def main(words: list[str]) -> None:
    logging.disable(logging.WARNING)  # the 403s of read-only models' add pages are expected
    client = Client()
    client.force_login(get_user_model().objects.get(username="scale-admin"))
    for model in admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if words and not any(word in label for word in words):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        runs = [timed(client, changelist) for _ in range(3)]
        times = sorted(run[0] for run in runs)
        queries, status = runs[-1][1], runs[-1][2]
        line = f"{label:45} list {times[0]:7.0f}–{times[-1]:6.0f} ms {queries:3} q {status}"
        try:
            add = reverse("admin:{}_{}_add".format(*info))
        except Exception:
            add = None
        if add:
            elapsed, count, status = timed(client, add)
            line += f" | add {elapsed:6.0f} ms {count:3} q {status}"
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
