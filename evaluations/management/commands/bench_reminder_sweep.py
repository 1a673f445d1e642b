"""`manage.py bench_reminder_sweep`: how long planning and the sweep take over many
evaluations. A measurement, not a test: it builds the data inside a transaction, times
each step with its query count, and rolls everything back."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.models import Evaluation
from evaluations.reminders import reminders_sweep
from evaluations.services import evaluations_plan_all
from partners.models import Agreement


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the reminder sweep over N evaluations (default 10,000); changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--evaluations", type=int, default=10_000)

    def handle(self, *args, evaluations: int, **options) -> None:
        try:
            with transaction.atomic():
                self._build(evaluations)
                self._time("plan all", evaluations_plan_all)
                self._time(
                    "sweep (decide, insert, enqueue ids)", lambda: reminders_sweep(enqueue=False)
                )
                self._time("sweep again (nothing new)", lambda: reminders_sweep(enqueue=False))
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _build(self, count: int) -> None:
        started = time.perf_counter()
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"bench-{i}", email=f"bench-{i}@example.org")
            for i in range(50)
        )
        agreement = Agreement.objects.create(
            title="Benchmark",
            formality="informal",
            basis="community",
            start_date=dt.date(2000, 1, 1),
            status="active",
        )
        today = timezone.localdate()
        Evaluation.objects.bulk_create(
            (
                Evaluation(
                    agreement=agreement,
                    # Distinct past periods within the dates the database accepts.
                    period_start=dt.date(2000, 1, 1) + dt.timedelta(days=i // 1000),
                    period_end=dt.date(2000, 1, 1) + dt.timedelta(days=i // 1000 + i % 1000),
                    due_date=today + dt.timedelta(days=(i % 40) - 20),  # half due or overdue
                    evaluator=users[i % len(users)],
                )
                for i in range(count)
            ),
            batch_size=2000,
        )
        self.stdout.write(f"built {count} evaluations in {time.perf_counter() - started:.2f} s")

    def _time(self, label: str, step) -> None:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = step()
            elapsed = time.perf_counter() - started
        detail = (
            f", {result.decided} due, {len(result.enqueued)} sendable"
            if hasattr(result, "decided")
            else ""
        )
        self.stdout.write(f"{label}: {elapsed:.2f} s, {len(queries)} queries{detail}")
