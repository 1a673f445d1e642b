"""The coordinator's dashboard: the whole programme at a glance, in a fixed number of queries.

A `Scope` holds the dashboard's filters (`dashboard.forms`) and turns them into each
model's `visible_to` queryset, narrowed with subqueries (so a filter never adds a query).
Each widget is one function of the scope that runs one or two aggregate queries and returns
plain data; every number carries the URL of the list behind it. `build` gathers them all;
`dashboard.cache` keeps what it returns, `dashboard.charts` draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils.text import format_lazy

from accounts.roles import User
from dashboard.forms import DEFAULT_MONTHS, DashboardFilterForm
from evaluations.models import Evaluation, IndicatorResult, attainment
from partners.models import EXPIRING_SOON_DAYS, Agreement, AgreementParty, Province
from programs.models import (
    Cadre,
    CadreBackground,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)
from programs.reporting import SMALL_GROUP, background_counts, dimensions_of, group_shown

DONE = (Evaluation.Status.SUBMITTED, Evaluation.Status.REVIEWED)
STALE_SHOWN = 8
# Lists that grow with the programme (60,000 mentors, 20,000 agreements, 3,000 programs at
# national scale) show only this many rows, the ones that need attention first.
MENTORS_SHOWN = 12
ROWS_SHOWN = 15


def link(name: str, *args, **params) -> str:
    """The URL of a list, with only the filters that have a value."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def months_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month `months - 1` months before today's month."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters, applied to what `user` may see."""

    user: User
    today: dt.date
    months: int = DEFAULT_MONTHS
    formality: str = ""
    basis: str = ""
    program: Program | None = None
    province: Province | None = None

    @classmethod
    def from_form(cls, form: DashboardFilterForm, user: User, today: dt.date) -> Scope:
        data = form.cleaned_data if form.is_valid() else {}
        return cls(
            user=user,
            today=today,
            months=data.get("months") or DEFAULT_MONTHS,
            formality=data.get("formality") or "",
            basis=data.get("basis") or "",
            program=data.get("program"),
            province=data.get("province"),
        )

    def task_arguments(self) -> dict:
        """What a task needs to build this scope again (`from_task_arguments`)."""
        return {
            "user_id": self.user.pk,
            "today": self.today.isoformat(),
            "months": self.months,
            "formality": self.formality,
            "basis": self.basis,
            "program_id": self.program_id,
            "province_id": self.province_id,
        }

    @classmethod
    def from_task_arguments(
        cls, *, user_id: int, today: str, program_id: int | None, province_id: int | None, **rest
    ) -> Scope:
        user = get_user_model().objects.get(pk=user_id)
        programs, provinces = Program.objects.visible_to(user), Province.objects
        program = programs.filter(pk=program_id).first() if program_id else None
        province = provinces.filter(pk=province_id).first() if province_id else None
        day = dt.date.fromisoformat(today)
        return cls(user=user, today=day, program=program, province=province, **rest)

    @property
    def since(self) -> dt.date:
        return months_back(self.today, self.months)

    @property
    def typed(self) -> bool:
        return bool(self.formality or self.basis)

    @property
    def filtered(self) -> bool:
        return bool(self.typed or self.program or self.province)

    @property
    def program_id(self) -> int | None:
        return self.program.pk if self.program else None

    @property
    def province_id(self) -> int | None:
        return self.province.pk if self.province else None

    def _typed_agreements(self) -> QuerySet:
        kinds = {"formality": self.formality, "basis": self.basis}
        return Agreement.objects.filter(**{k: v for k, v in kinds.items() if v})

    def agreements(self) -> QuerySet:
        qs = Agreement.objects.visible_to(self.user)
        if self.typed:
            qs = qs.filter(pk__in=self._typed_agreements().values("pk"))
        if self.program:
            qs = qs.filter(pk__in=self.program.agreements.values("pk"))
        if self.province:
            parties = AgreementParty.objects.filter(partner__province=self.province)
            qs = qs.filter(pk__in=parties.values("agreement_id"))
        return qs

    def programs(self) -> QuerySet:
        qs = Program.objects.visible_to(self.user)
        if self.program:
            qs = qs.filter(pk=self.program.pk)
        if self.typed:
            typed = Program.objects.filter(agreements__in=self._typed_agreements().values("pk"))
            qs = qs.filter(pk__in=typed.values("pk"))
        if self.province:
            # A program is in a region when a partner or an enrolled cadre is from there.
            local = Program.objects.filter(
                Q(partners__province=self.province) | Q(enrolments__cadre__province=self.province)
            )
            qs = qs.filter(pk__in=local.values("pk"))
        return qs

    def enrolments(self) -> QuerySet:
        qs = Enrolment.objects.visible_to(self.user)
        if self.program or self.typed:
            qs = qs.filter(program__in=self.programs().values("pk"))
        if self.province:
            qs = qs.filter(cadre__province=self.province)
        return qs

    def cadres(self) -> QuerySet:
        qs = Cadre.objects.visible_to(self.user)
        if self.program or self.typed:
            qs = qs.filter(pk__in=self.enrolments().values("cadre_id"))
        if self.province:
            qs = qs.filter(province=self.province)
        return qs

    def mentorships(self) -> QuerySet:
        qs = Mentorship.objects.visible_to(self.user)
        if self.filtered:
            qs = qs.filter(enrolment__in=self.enrolments().values("pk"))
        return qs

    def sessions(self) -> QuerySet:
        qs = Session.objects.visible_to(self.user)
        if self.filtered:
            qs = qs.filter(mentorship__in=self.mentorships().values("pk"))
        return qs

    def evaluations(self) -> QuerySet:
        qs = Evaluation.objects.visible_to(self.user)
        if self.filtered:
            qs = qs.filter(
                Q(agreement__in=self.agreements().values("pk"))
                | Q(program__in=self.programs().values("pk"))
                | Q(mentorship__in=self.mentorships().values("pk"))
            )
        return qs


# --- Partnerships --------------------------------------------------------------------


def partnerships(scope: Scope) -> dict:
    """Active agreements in the formality × basis grid, and how many expire soon."""
    horizon = scope.today + dt.timedelta(days=EXPIRING_SOON_DAYS)
    soon = Q(end_date__gte=scope.today, end_date__lte=horizon)
    cells = {
        f"{f}_{b}": Count("pk", filter=Q(formality=f, basis=b))
        for f in Agreement.Formality.values
        for b in Agreement.Basis.values
    }
    counts = (
        scope.agreements()
        .active()
        .aggregate(total=Count("pk"), expiring=Count("pk", filter=soon), **cells)
    )
    rows = [
        {
            "label": f_label,
            "cells": [
                {
                    "basis": b_label,
                    "count": counts[f"{f}_{b}"],
                    "url": link("partners:agreement_list", formality=f, basis=b, status="active"),
                }
                for b, b_label in Agreement.Basis.choices
            ],
        }
        for f, f_label in Agreement.Formality.choices
    ]
    return {
        "rows": rows,
        "bases": Agreement.Basis.labels,
        "total": counts["total"],
        "total_url": link(
            "partners:agreement_list",
            formality=scope.formality,
            basis=scope.basis,
            status="active",
        ),
        "expiring": counts["expiring"],
        "expiring_url": link(
            "partners:agreement_list",
            formality=scope.formality,
            basis=scope.basis,
            expiring="true",
        ),
    }


def expiring_agreements(scope: Scope, limit: int = 5) -> list[dict]:
    rows = (
        scope.agreements()
        .expiring_soon(scope.today)
        .order_by("end_date", "pk")
        .values("pk", "title", "end_date", "formality", "basis")[:limit]
    )
    return [
        {
            **row,
            "days_left": (row["end_date"] - scope.today).days,
            "url": reverse("partners:agreement_detail", args=[row["pk"]]),
        }
        for row in rows
    ]


def _trend(latest: float | None, previous: float | None) -> str:
    if latest is None or previous is None:
        return "new"
    if abs(latest - previous) < 0.05:
        return "flat"
    return "up" if latest > previous else "down"


def health(scope: Scope) -> list[dict]:
    """Each agreement's health (mean rating of its latest evaluation) and its trend."""
    latest_two = (
        # unscoped: the evaluations of the agreements in scope (the subquery is scoped).
        Evaluation.objects.unscoped()
        .filter(agreement__in=scope.agreements().values("pk"), status__in=DONE)
        .annotate(
            score=Avg("ratings__score"),
            rank=Window(
                RowNumber(),
                partition_by=[F("agreement_id")],
                order_by=[F("period_end").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=2, score__isnull=False)
        .values("pk", "agreement_id", "agreement__title", "period_end", "score", "rank")
    )
    by_agreement: dict[int, dict] = {}
    for row in latest_two:
        item = by_agreement.setdefault(
            row["agreement_id"],
            {"title": row["agreement__title"], "score": None, "previous": None},
        )
        score = round(float(row["score"]), 1)
        if row["rank"] == 1:
            item.update(score=score, period_end=row["period_end"])
            item["url"] = reverse("evaluations:evaluation_detail", args=[row["pk"]])
            item["report_url"] = reverse("dashboard:agreement_report", args=[row["agreement_id"]])
        else:
            item["previous"] = score
    items = [i for i in by_agreement.values() if i["score"] is not None]
    for item in items:
        item["trend"] = _trend(item["score"], item["previous"])
    return sorted(items, key=lambda i: (i["score"], i["title"]))


def indicator_attainment(scope: Scope) -> list[dict]:
    """Per agreement: the latest measured value of each indicator against its target."""
    latest = (
        IndicatorResult.objects.filter(
            indicator__agreement__in=scope.agreements().values("pk"),
            evaluation__status__in=DONE,
            actual__isnull=False,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id")],
                order_by=[F("evaluation__period_end").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values(
            "actual",
            "indicator__agreement_id",
            "indicator__agreement__title",
            "indicator__baseline",
            "indicator__target",
            "indicator__direction",
        )
    )
    per_agreement: dict[int, dict] = {}
    for row in latest:
        indicator = SimpleNamespace(
            baseline=row["indicator__baseline"],
            target=row["indicator__target"],
            direction=row["indicator__direction"],
        )
        reached = attainment(indicator, row["actual"])
        item = per_agreement.setdefault(
            row["indicator__agreement_id"],
            {"title": row["indicator__agreement__title"], "values": [], "met": 0},
        )
        if reached is not None:
            item["values"].append(reached)
            item["met"] += reached >= 100
    return _attainment_rows(per_agreement)


def _attainment_rows(per_agreement: dict[int, dict]) -> list[dict]:
    rows = []
    for pk, item in per_agreement.items():
        if not item["values"]:
            continue
        # Capped at 0–100 per indicator: one indicator far above target must not hide
        # another far below it.
        capped = [min(max(v, Decimal(0)), Decimal(100)) for v in item["values"]]
        rows.append(
            {
                "title": item["title"],
                "percent": int(sum(capped) / len(capped)),
                "met": item["met"],
                "measured": len(item["values"]),
                "url": reverse("dashboard:agreement_report", args=[pk]),
            }
        )
    return sorted(rows, key=lambda r: (r["percent"], r["title"]))


# --- Programs and people ---------------------------------------------------------------


def pipeline(scope: Scope) -> dict:
    """Cadres by pipeline stage, candidate first: the funnel."""
    counts = scope.cadres().aggregate(
        **{s: Count("pk", filter=Q(stage=s)) for s in Cadre.Stage.values}, total=Count("pk")
    )
    stages = [
        {
            "label": label,
            "count": counts[stage],
            "url": link(
                "programs:cadre_list",
                stage=stage,
                program=scope.program_id,
                province=scope.province_id,
            ),
        }
        for stage, label in Cadre.Stage.choices
    ]
    all_url = link("programs:cadre_list", program=scope.program_id, province=scope.province_id)
    return {"stages": stages, "total": counts["total"], "url": all_url}


def enrolments_by_kind(scope: Scope) -> list[dict]:
    """Enrolments holding a seat, per program kind (withdrawn ones left out)."""
    rows = (
        scope.enrolments()
        .taking_seats()
        .values("program__kind")
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
            completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        )
    )
    found = {row["program__kind"]: row for row in rows}
    empty = {"total": 0, "active": 0, "completed": 0}
    return [
        {
            "label": label,
            **{k: found.get(kind, empty)[k] for k in empty},
            "url": link("programs:program_list", kind=kind),
        }
        for kind, label in Program.Kind.choices
    ]


def mentor_load(scope: Scope) -> list[dict]:
    """Each active mentor's active mentees (in scope) against their capacity."""
    in_scope = Q(mentorships__status=Mentorship.Status.ACTIVE)
    if scope.filtered:
        in_scope &= Q(mentorships__enrolment__in=scope.enrolments().values("pk"))
    mentors = (
        MentorProfile.objects.visible_to(scope.user)
        .filter(is_active=True)
        .annotate(load=Count("mentorships", filter=in_scope, distinct=True))
        .values("pk", "load", "user__first_name", "user__last_name", "user__username")
        .annotate(capacity=F("mentee_capacity"))
        .order_by("-load", "user__first_name", "pk")[:MENTORS_SHOWN]
    )
    return [
        {
            "name": " ".join(filter(None, [m["user__first_name"], m["user__last_name"]])).strip()
            or m["user__username"],
            "load": m["load"],
            "capacity": m["capacity"],
            "over": m["load"] > m["capacity"],
            "url": link("programs:mentor_list", q=m["user__first_name"] or m["user__username"]),
        }
        for m in mentors
    ]


# --- Mentoring delivered ---------------------------------------------------------------


def _month_starts(since: dt.date, today: dt.date) -> list[dt.date]:
    months, day = [], since
    while day <= today:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def mentoring(scope: Scope) -> dict:
    """Attended sessions and hours per month over the period."""
    # Grouped by day and added up per month here: DATE_TRUNC on each of the 9 million
    # sessions of a national year (a timestamp with time zone per row) took half the time.
    days = (
        scope.sessions()
        .attended()
        .filter(date__gte=scope.since, date__lte=scope.today)
        .values("date")
        .annotate(sessions=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    found: dict[dt.date, dict] = {}
    for day in days:
        row = found.setdefault(day["date"].replace(day=1), {"sessions": 0, "minutes": 0})
        row["sessions"] += day["sessions"]
        row["minutes"] += day["minutes"]
    months = []
    for start in _month_starts(scope.since, scope.today):
        row = found.get(start, {"sessions": 0, "minutes": 0})
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        months.append(
            {
                "month": start,
                "sessions": row["sessions"],
                "hours": round(row["minutes"] / 60, 1),
                "url": _session_link(scope, start, min(end, scope.today)),
            }
        )
    return {
        "months": months,
        "sessions": sum(m["sessions"] for m in months),
        "hours": round(sum(m["hours"] for m in months), 1),
        "url": _session_link(scope, scope.since, scope.today),
    }


def _session_link(scope: Scope, start: dt.date, end: dt.date) -> str:
    return link(
        "programs:session_list",
        attendance=Session.Attendance.ATTENDED,
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        program=scope.program_id,
        province=scope.province_id,
        formality=scope.formality,
        basis=scope.basis,
    )


def stale_mentees(scope: Scope) -> dict:
    """Active mentees not met in 30 days (counted from the pairing if never met)."""
    # One pass over the active pairs (400,000 at national scale) on the sessions'
    # (mentorship, date) index, pairs alone: the total comes with the first rows, as a
    # window over all of them. Only the rows shown are joined to their people after:
    # joining every stale pair to its cadre and mentor first took four seconds more.
    first = (
        scope.mentorships()
        .active()
        .stale(scope.today)
        .with_last_met()
        .annotate(stale_total=Window(Count("pk")))
        .order_by(F("last_session_on").asc(nulls_first=True), "pk")
        .values("pk", "last_session_on", "stale_total")[:STALE_SHOWN]
    )
    first = list(first)
    # No query when nobody is stale.
    # unscoped: the pairs just read through scope.mentorships().
    people = Mentorship.objects.unscoped().select_related("mentor__user", "enrolment__cadre")
    pairs = people.in_bulk([row["pk"] for row in first])
    shown = []
    for row in first:
        pair = pairs[row["pk"]]
        pair.last_session_on = row["last_session_on"]
        shown.append(pair)
    return {"count": first[0]["stale_total"] if first else 0, "shown": shown}


# --- Evaluations -----------------------------------------------------------------------


def evaluations(scope: Scope) -> dict:
    """Due this week, overdue, and the on-time rate of those due in the period."""
    today, week_end = scope.today, scope.today + dt.timedelta(days=6)
    is_open = Q(status__in=Evaluation.OPEN_STATUSES)
    in_period = Q(due_date__gte=scope.since, due_date__lte=today)
    done = Q(status__in=DONE)
    counts = (
        scope.evaluations()
        .annotate(submitted_day=TruncDate("submitted_at"))
        .aggregate(
            due_week=Count("pk", filter=is_open & Q(due_date__gte=today, due_date__lte=week_end)),
            overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
            done=Count("pk", filter=in_period & done),
            on_time=Count("pk", filter=in_period & done & Q(submitted_day__lte=F("due_date"))),
            late_open=Count("pk", filter=in_period & is_open & Q(due_date__lt=today)),
        )
    )
    counted = counts["done"] + counts["late_open"]
    rate = round(100 * counts["on_time"] / counted) if counted else None
    return {
        **counts,
        "counted": counted,
        "rate": rate,
        "due_week_url": link("evaluations:evaluation_list", overdue="false", sort="due"),
        "overdue_url": link("evaluations:evaluation_list", overdue="true", sort="due"),
        "done_url": link("evaluations:evaluation_list", status="reviewed", sort="-due"),
    }


# --- Diversity -------------------------------------------------------------------------


def _diversity_group(label: str, row: dict, url: str | None) -> dict:
    if not group_shown(row["answered"]):
        return {"label": label, "answered": None, "dimensions": [], "url": url}
    return {
        "label": label,
        "answered": row["answered"],
        "dimensions": dimensions_of(row),
        "url": url,
    }


def diversity(scope: Scope) -> dict:
    """The background mix by program and by partner type, aggregated only."""
    prog, agreement = "cadre__enrolments__program", "cadre__enrolments__program__agreements"
    # One filter() call each: a second call on a many-valued relation would join it anew.
    enrolled = {
        "cadre__enrolments__status__in": Enrolment.SEAT_STATUSES,
        f"{prog}__in": scope.programs().values("pk"),
    }
    if scope.province:
        enrolled["cadre__province"] = scope.province
    # Grouped by the program's id alone (a hash of 3,000 groups, where grouping by name
    # sorted every row of the join on disk); the names of the programs shown come after.
    by_program = (
        # unscoped: the answers of cadres enrolled in the programs in scope (scoped subquery).
        CadreBackground.objects.unscoped()
        .filter(**enrolled)
        .values(f"{prog}_id")
        # A cadre has one enrolment per program: no duplicates to count away.
        .annotate(**background_counts(distinct=False))
        .order_by()
    )
    by_type = (
        CadreBackground.objects.unscoped()
        .filter(**enrolled, **{f"{agreement}__isnull": False})
        .values(f"{agreement}__formality", f"{agreement}__basis")
        .annotate(**background_counts(distinct=True))
        .order_by(f"{agreement}__formality", f"{agreement}__basis")
    )
    formality, basis = dict(Agreement.Formality.choices), dict(Agreement.Basis.choices)
    by_program = list(by_program)
    # The programs with the most answers, in name order.
    largest = sorted(by_program, key=lambda row: -row["answered"])[:ROWS_SHOWN]
    names = dict(
        # unscoped: the names of programs just counted through scope.programs().
        Program.objects.unscoped()
        .filter(pk__in=[row[f"{prog}_id"] for row in largest])
        .values_list("pk", "name")
    )
    largest.sort(key=lambda row: (names[row[f"{prog}_id"]], row[f"{prog}_id"]))
    return {
        "min_group": SMALL_GROUP,
        "programs": len(by_program),
        "by_program": [
            _diversity_group(
                names[row[f"{prog}_id"]],
                row,
                link("programs:cadre_list", program=row[f"{prog}_id"]),
            )
            for row in largest
        ],
        "by_type": [
            _diversity_group(
                format_lazy(
                    "{} · {}",
                    formality[row[f"{agreement}__formality"]],
                    basis[row[f"{agreement}__basis"]],
                ),
                row,
                None,
            )
            for row in by_type
        ],
    }


# --- The whole page ----------------------------------------------------------------------


def build(scope: Scope) -> dict:
    """Every widget's data: the template's context and the charts' JSON."""
    health_rows, attainment_rows = health(scope), indicator_attainment(scope)
    return {
        "partnerships": partnerships(scope),
        "expiring": expiring_agreements(scope),
        # Weakest first: the ones to look at.
        "health": health_rows[:ROWS_SHOWN],
        "health_count": len(health_rows),
        "attainment": attainment_rows[:ROWS_SHOWN],
        "attainment_count": len(attainment_rows),
        "rows_shown": ROWS_SHOWN,
        "mentors_shown": MENTORS_SHOWN,
        "pipeline": pipeline(scope),
        "enrolments": enrolments_by_kind(scope),
        "mentors": mentor_load(scope),
        "mentoring": mentoring(scope),
        "stale": stale_mentees(scope),
        "evaluations": evaluations(scope),
        "diversity": diversity(scope),
        "expiring_days": EXPIRING_SOON_DAYS,
    }
