"""Each background job over a seeded database: wall time, queries and peak memory.

    DATABASE_URL=… [REDIS_URL=…] .venv/bin/python bench/jobs.py [job …]

Jobs: planning (the daily planning step, run twice: the second run must change nothing),
sweep (the reminder sweep without its planning step, rolled back), requeue, lapsed (agreements
past their end date, rolled back), sessions (expired-session cleanup, rolled back), warm (the
dashboard warm-up), exports (the hourly expiry of exported files, rolled back), export (one
background XLSX export as the worker writes it, rolled back: the national coordinator's cadre
directory filtered to the first cadre's province, BENCH_EXPORT_QUERY to change it, its file
in a temporary MEDIA_ROOT), offline (the nightly forgetting of old offline-send keys, rolled
back). Every task the beat schedule runs (the PeriodicTask rows the
migrations create) is one of these; `kader/tests/test_bench_covers_every_page.py` holds
BEAT_TASKS to that list. Each job runs in a fresh Python process, so its peak RSS (the process's
`ru_maxrss`) is its own; "base" is that process's RSS after Django's start-up. The planning
step writes for real (it is idempotent: a second run measures the daily case); the others
roll back and can be repeated.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# KADER_ROOT: another checkout's code, measured with this script (a before/after).
ROOT = Path(os.environ.get("KADER_ROOT") or Path(__file__).resolve().parent.parent)
JOBS = [
    "planning",
    "sweep",
    "requeue",
    "lapsed",
    "sessions",
    "warm",
    "exports",
    "export",
    "offline",
]
# Each task the beat schedule runs, and the jobs above that measure its work.
BEAT_TASKS = {
    "evaluations.tasks.sweep_reminders": ["planning", "sweep"],
    "evaluations.tasks.requeue_reminders": ["requeue"],
    "evaluations.tasks.end_lapsed_agreements": ["lapsed"],
    "kader.tasks.clear_expired_sessions": ["sessions"],
    "kader.tasks.warm_dashboards": ["warm"],
    "dashboard.tasks.expire_exports": ["exports"],
    "core.tasks.forget_old_offline_sends": ["offline"],
}


class Rollback(Exception):
    pass


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job(name: str) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    os.environ.setdefault("EMAIL_URL", "consolemail://")  # the export's "ready" e-mail
    if name == "export":
        os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kader-bench-export-")
    import django

    django.setup()
    from django.db import connection, transaction

    from accounts.tasks import clear_expired_sessions
    from core.tasks import forget_old_offline_sends
    from dashboard import figures_cache
    from dashboard.tasks import expire_exports
    from evaluations.reminders import agreements_end_lapsed, reminders_requeue, reminders_sweep
    from evaluations.services import evaluations_plan_all

    steps = {
        "planning": [
            ("planning", lambda: planning_as_beat_runs(evaluations_plan_all), False),
            ("planning again", lambda: planning_as_beat_runs(evaluations_plan_all), False),
        ],
        "sweep": [("sweep", lambda: reminders_sweep(enqueue=False), True)],
        "requeue": [("requeue", lambda: reminders_requeue(enqueue=False), True)],
        "lapsed": [("lapsed agreements", lambda: agreements_end_lapsed(enqueue=False), True)],
        "sessions": [("expired sessions", clear_expired_sessions, True)],
        "warm": [("dashboard warm-up", figures_cache.warm, False)],
        "exports": [("expired exports", expire_exports, True)],
        "export": [("background export", big_export, True)],
        "offline": [("old offline sends", forget_old_offline_sends, True)],
    }[name]
    results = []
    base = rss_mb()
    for label, step, rolled_back in steps:
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            if rolled_back:
                try:
                    with transaction.atomic():
                        outcome = step()
                        raise Rollback
                except Rollback:
                    pass
            else:
                # As beat runs it: each of its chunks commits on its own. Inside one outer
                # transaction they were savepoints, and the first national run held 930,000
                # pairs' changes and locks for more than 10 minutes.
                outcome = step()
            elapsed = time.perf_counter() - started
        results.append(
            {
                "job": label,
                "seconds": round(elapsed, 2),
                "queries": queries.count,
                "base_mb": round(base),
                "peak_mb": round(rss_mb()),
                "outcome": summary(outcome),
                "slowest": queries.slowest(),
                "rolled_back": rolled_back,
            }
        )
    return results


def planning_as_beat_runs(plan_all) -> str:
    """The planning as the daily task runs it: each run stops after `KADER_PLANNING_SECONDS`
    and the next continues where it stopped (evaluations/tasks.py `sweep_reminders`)."""
    from django.conf import settings

    created = moved = deleted = runs = 0
    longest, resume = 0.0, None
    while True:
        started = time.perf_counter()
        counts = plan_all(seconds=settings.KADER_PLANNING_SECONDS, resume=resume)
        longest, runs = max(longest, time.perf_counter() - started), runs + 1
        created, moved, deleted = (
            created + counts.created,
            moved + counts.updated,
            deleted + counts.deleted,
        )
        if counts.resume is None:
            break
        resume = counts.resume
    return (
        f"{created:,} created, {moved:,} moved, {deleted:,} deleted; "
        f"{runs} run(s), the longest {longest:.1f} s"
    )


def big_export() -> str:
    """One XLSX export written as the worker writes it (dashboard.tasks.build_export)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dashboard import export_jobs
    from dashboard.models import Export
    from programs.models import Cadre

    user = get_user_model().objects.get(username="scale-coordinator")
    query = os.environ.get("BENCH_EXPORT_QUERY")
    if query is None:
        query = f"province={Cadre.objects.order_by('pk').values_list('province_id', flat=True)[0]}"
    now = timezone.now()
    export = Export.objects.create(
        requested_by=user,
        list_name="cadres",
        query=query,
        language="id",
        created_at=now,
        expires_at=now + timezone.timedelta(hours=1),
    )
    export_jobs.export_build(export_id=export.pk)
    export.refresh_from_db()
    size = export.file.size if export.file else 0
    return f"cadres?{query}: {export.rows_written:,} rows, {size / 1e6:.1f} MB, {export.status}"


class QueryCounter:
    """Counts the job's queries and keeps the slowest. Not Django's CaptureQueriesContext,
    which keeps every statement's text: the planning's chunked UPDATEs at national scale
    made the measuring process itself hundreds of MB larger than the job."""

    def __init__(self) -> None:
        self.count, self.worst = 0, (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            elapsed = time.perf_counter() - started
            if elapsed > self.worst[0]:
                self.worst = (elapsed, " ".join(str(sql).split())[:90])

    def slowest(self) -> str:
        return f"{self.worst[0]:.2f} s: {self.worst[1]}" if self.count else ""


def summary(outcome) -> str:
    if isinstance(outcome, list):
        return f"{len(outcome):,} ids"
    if hasattr(outcome, "decided"):
        return f"{outcome.decided:,} decided, {len(outcome.enqueued):,} sendable"
    if hasattr(outcome, "created"):
        return (
            f"{outcome.created:,} created, {outcome.updated:,} moved, {outcome.deleted:,} deleted"
        )
    if hasattr(outcome, "create"):  # the planning's result before it was chunked
        made, moved, gone = len(outcome.create), len(outcome.update), len(outcome.delete)
        return f"{made:,} created, {moved:,} moved, {gone:,} deleted"
    return str(outcome)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_job(argv[1])))
        return
    for name in argv or JOBS:
        done = subprocess.run(
            [sys.executable, __file__, "--one", name], capture_output=True, text=True, check=False
        )
        if done.returncode:
            print(f"{name}: failed\n{done.stderr[-3000:]}")
            continue
        for row in json.loads(done.stdout.strip().splitlines()[-1]):
            print(
                f"{row['job']:<20} {row['seconds']:>8.2f} s {row['queries']:>7,} queries "
                f"peak {row['peak_mb']:>5} MB (base {row['base_mb']} MB)  {row['outcome']}"
                + ("  [rolled back]" if row["rolled_back"] else "")
            )
            print(f"{'':<20} slowest query {row['slowest']}")


if __name__ == "__main__":
    main(sys.argv[1:])
