"""The reminder sweep over a seeded database: time, queries and peak memory; changes nothing.

    DATABASE_URL=… [SWEEP_TODAY=2026-01-25] [REDIS_URL=… SWEEP_QUEUE=sweep-bench] \
        .venv/bin/python bench/sweep.py

Runs `reminders_sweep(enqueue=False)` inside a transaction that is rolled back, so it can be
repeated on the same tier (it vacuums the reminder table afterwards). With SWEEP_QUEUE it
also publishes the sends to that queue (which no worker reads) and purges it. Complements
`manage.py bench_reminder_sweep`, which builds its own synthetic evaluations.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("HTTPS", "0")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluations.models import Evaluation  # noqa: E402
from evaluations.reminders import reminders_sweep  # noqa: E402


class Rollback(Exception):
    pass


def publish(ids: list[int], queue: str) -> None:
    """Queue the sends as the sweep does after its commit, on a queue no worker reads, then
    empty that queue again."""
    from evaluations.tasks import enqueue_sends, send_reminders

    started = time.perf_counter()
    queued = enqueue_sends(ids, queue=queue)
    print(f"queued {queued:,} sends in {time.perf_counter() - started:.1f} s")
    with send_reminders.app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)


def main() -> None:
    # Another day than today: a sweep as it ran then (e.g. a day with fewer overdue).
    today = dt.date.fromisoformat(os.environ.get("SWEEP_TODAY") or str(timezone.localdate()))
    total = Evaluation.objects.count()
    window = Evaluation.objects.open().filter(due_date__lte=today + timezone.timedelta(days=7))
    print(
        f"{today}: {total:,} evaluations, {window.count():,} open and due within 7 days or overdue"
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders_sweep(today=today, enqueue=False)
            elapsed = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"sweep: {elapsed:.1f} s, {len(queries)} queries, {result.decided:,} decided, "
                f"{len(result.enqueued):,} sendable; peak RSS {peak:.0f} MB "
                f"(was {before:.0f} MB before the sweep)"
            )
            # The foreign-key checks PostgreSQL defers to COMMIT, run now: part of the cost.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            print(f"deferred foreign-key checks: {time.perf_counter() - started:.1f} s")
            if os.environ.get("SWEEP_QUEUE"):
                publish(result.enqueued, os.environ["SWEEP_QUEUE"])
            raise Rollback
    except Rollback:
        print("rolled back")
    # The rolled-back rows stay behind as dead tuples until a vacuum; clear them so that a
    # second run measures the same table (VACUUM changes no data).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) evaluations_reminder")


if __name__ == "__main__":
    main()
