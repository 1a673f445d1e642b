"""The mentor's home gains a summary: hours this month, next evaluations, mentees' goals."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from accounts.roles import User
from evaluations.models import Evaluation
from programs.models import Mentorship, Session

NEXT_EVALUATIONS = 3


def mentor_summary(user: User, today: dt.date | None = None) -> dict:
    """Three queries, whatever the number of mentees, sessions or goals."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    minutes = (
        Session.objects.visible_to(user)
        .filter(logged_by=user, date__gte=month, date__lte=today)
        .attended()
        .aggregate(total=Sum("duration_minutes"))["total"]
        or 0
    )
    upcoming = (
        Evaluation.objects.visible_to(user)
        .filter(evaluator=user)
        .open()
        .with_subjects()
        .order_by("due_date", "pk")[:NEXT_EVALUATIONS]
    )
    goals = (
        Mentorship.objects.visible_to(user)
        .filter(mentor__user=user)
        .active()
        .annotate(
            goal_count=Count("goals"),
            goals_done=Count("goals", filter=Q(goals__progress__gte=100)),
            progress=Avg("goals__progress"),
        )
        .select_related("enrolment__cadre")
        .order_by("enrolment__cadre__full_name")
    )
    return {
        "hours_this_month": round(minutes / 60, 1),
        "month": month,
        "next_evaluations": list(upcoming),
        "mentee_goals": [m for m in goals if m.goal_count],
        "today": today,
    }
