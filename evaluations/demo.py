"""Demo evaluations in every state, with indicator values, ratings, action items and a few
reminders. Reads `data["agreements"]`, `data["programs"]`, `data["mentorships"]`; adds
`data["evaluations"]`. Idempotent (get-or-create on subject and period) and deterministic."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from evaluations.models import (
    ActionItem,
    Evaluation,
    HealthFactor,
    HealthRating,
    IndicatorResult,
    Reminder,
)
from evaluations.planning import agreement_periods
from evaluations.reminders import reminders_sweep
from evaluations.services import evaluation_prepare, evaluations_plan_all

FINDINGS = [
    "Mitra hadir di setiap pertemuan koordinasi dan berbagi data peserta tepat waktu.",
    "Jumlah kader yang menyelesaikan pelatihan naik, tetapi sesi mentoring sering diundur.",
    "Komunikasi lancar lewat grup; perlu notulen tertulis agar tindak lanjut tidak hilang.",
]
ACTIONS = [
    "Susun jadwal mentoring bersama untuk tiga bulan ke depan",
    "Kirim notulen rapat koordinasi paling lambat dua hari setelah rapat",
    "Ajak mitra industri membuka dua tempat magang tambahan",
]


def seed(data: dict) -> None:
    rng = random.Random(5)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    users = data["users"]
    evaluations_plan_all(today=today)
    agreements = [a for a in data.get("agreements", {}).values() if a.status == "active"]
    made = []
    for i, agreement in enumerate(agreements[:3]):
        made += _history(rng, agreement, today, users, to_review=i == 0)
    made += _mentor_evaluations(rng, data.get("mentorships", []), today, users)
    _reminders(today)
    data["evaluations"] = made


def _history(rng, agreement, today: dt.date, users, *, to_review: bool) -> list[Evaluation]:
    """Past periods, reviewed, with indicators rising towards their targets."""
    months = agreement.CADENCE_MONTHS[agreement.evaluation_cadence]
    past = [
        p
        for p in agreement_periods(agreement.start_date, agreement.end_date, months, today)
        if p.end < today
    ][-3:]
    evaluations = []
    for step, period in enumerate(past, start=1):
        evaluation, created = Evaluation.objects.get_or_create(
            agreement=agreement,
            period_start=period.start,
            period_end=period.end,
            defaults={"due_date": period.due, "planned": True, "evaluator": users["coordinator"]},
        )
        if created or (evaluation.status == "scheduled" and not evaluation.findings):
            last = step == len(past)
            status = "submitted" if last and to_review else "reviewed"
            _fill(rng, evaluation, users, share=Decimal(step) / (len(past) + 1), status=status)
        evaluations.append(evaluation)
    return evaluations


def _mentor_evaluations(rng, mentorships, today: dt.date, users) -> list[Evaluation]:
    """The mentors' mid-point evaluations: one sent back, one draft, one overdue."""
    states = ["in_progress_sent_back", "in_progress", "scheduled_overdue", "reviewed"]
    evaluations = []
    for mentorship, state in zip(mentorships, states, strict=False):
        evaluation = Evaluation.objects.filter(mentorship=mentorship, kind="midpoint").first()
        if evaluation is None or evaluation.status != "scheduled" or evaluation.findings:
            continue
        if state == "scheduled_overdue":
            if evaluation.planned:  # moved by hand, so the planner leaves it be
                evaluation.due_date, evaluation.planned = today - dt.timedelta(days=9), False
                evaluation.save(update_fields=["due_date", "planned"])
        elif state == "reviewed":
            _fill(rng, evaluation, users, share=Decimal("0.6"), status="reviewed")
        else:
            _fill(rng, evaluation, users, share=Decimal("0.4"), status="in_progress")
            if state == "in_progress_sent_back":
                evaluation.review_comment = "Tambahkan contoh konkret dari sesi terakhir."
                evaluation.save(update_fields=["review_comment"])
        evaluations.append(evaluation)
    return evaluations


def _fill(rng, evaluation: Evaluation, users, *, share: Decimal, status: str) -> None:
    evaluation_prepare(evaluation=evaluation)
    for result in IndicatorResult.objects.filter(evaluation=evaluation).select_related("indicator"):
        indicator = result.indicator
        result.actual = (
            indicator.baseline + (indicator.target - indicator.baseline) * share
        ).quantize(Decimal("0.01"))
        result.save(update_fields=["actual"])
    for rating in HealthRating.objects.filter(evaluation=evaluation):
        rating.score = rng.randint(3, 5) if rating.factor != HealthFactor.DIVERSITY else 2
        rating.comment = "Perlu lebih banyak kader perempuan." if rating.score == 2 else ""
        rating.save(update_fields=["score", "comment"])
    evaluation.findings = rng.choice(FINDINGS)
    evaluation.status = status
    now = timezone.now()
    if status in ("submitted", "reviewed"):
        evaluation.submitted_at = now
    if status == "reviewed":
        evaluation.reviewed_at, evaluation.reviewed_by = now, users["coordinator"]
    evaluation.save()
    owner = evaluation.evaluator or users["coordinator"]
    for i, text in enumerate(rng.sample(ACTIONS, 2)):
        ActionItem.objects.get_or_create(
            evaluation=evaluation,
            description=text,
            defaults={
                "owner": owner,
                "due_date": evaluation.due_date + dt.timedelta(days=30),
                "done": i == 0,
            },
        )


def _reminders(today: dt.date) -> None:
    """What the daily sweep made today; two marked sent and one failed, for the pages."""
    reminders_sweep(today=today, enqueue=False)
    if Reminder.objects.exclude(status="pending").exists():
        return  # an earlier run did this
    rows = list(Reminder.objects.filter(status="pending").order_by("pk")[:3])
    now = timezone.now()
    for row in rows[:2]:
        row.status, row.sent_at, row.attempts = "sent", now, 1
        row.save(update_fields=["status", "sent_at", "attempts"])
    for row in rows[2:]:
        row.status, row.attempts = "failed", 6
        row.last_error = "SMTPRecipientsRefused: 550 mailbox unavailable"
        row.save(update_fields=["status", "attempts", "last_error"])
