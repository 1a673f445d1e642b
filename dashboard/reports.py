"""The agreement report and the program report: a printable page and the same as a PDF.

One function per report gathers the data (a fixed number of queries); the HTML template and
the PDF (dashboard/pdf.py, reportlab) both render that data, so they never disagree.

ReportLab draws about a thousand table rows a second here: a program report with more
rows in its tables than `KADER_REPORT_PDF_BACKGROUND_ROWS` (a national program's hundreds
of pair evaluations) is drawn by a worker, like a big export (dashboard/export_jobs.py): the
request answers with the export's page, the person is told when it is ready, and the file
is theirs alone for a limited time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import perm_or_404
from accounts.roles import User
from core.pagination import id_list
from dashboard import pdf
from dashboard.export_jobs import export_ask
from dashboard.models import Export
from evaluations.models import ActionItem, Evaluation, HealthRating, IndicatorResult, attainment
from partners.models import Agreement, AgreementParty, SuccessIndicator
from programs.models import Cadre, Enrolment, Mentorship, Program, Session
from programs.reporting import diversity_summary


def _stages(cadres: QuerySet) -> list[dict]:
    counts = cadres.aggregate(**{s: Count("pk", filter=Q(stage=s)) for s in Cadre.Stage.values})
    return [{"label": label, "count": counts[s]} for s, label in Cadre.Stage.choices]


def _hours(sessions: QuerySet) -> dict:
    totals = sessions.attended().aggregate(minutes=Sum("duration_minutes"), count=Count("pk"))
    return {"sessions": totals["count"], "hours": round((totals["minutes"] or 0) / 60, 1)}


def _evaluations(evaluations: QuerySet, most: int | None = None) -> list[Evaluation]:
    """The evaluations, newest first (the `most` newest, when given), with their health.

    The health is a subquery per evaluation, which PostgreSQL computes after the sort and
    the LIMIT: as a join and GROUP BY over every evaluation (with their evaluators), a
    national program's took 20 ms for the 50 the page shows."""
    health = (
        HealthRating.objects.filter(evaluation=OuterRef("pk"))
        .order_by()
        .values("evaluation")
        .annotate(average=Avg("score"))
        .values("average")
    )
    rows = evaluations.annotate(health=Subquery(health)).order_by("-period_end", "-pk")
    return list(rows if most is None else rows[:most])


def _action_items(evaluations: QuerySet | list[int], today: dt.date) -> list[dict]:
    """Every action item the evaluations (or these evaluation ids) agreed on (all of them,
    also when the page shows only the newest evaluations), with its evaluation and whether
    it is done, open, or late (open after its due date), soonest due first."""
    items = (
        ActionItem.objects.unscoped()
        .filter(evaluation__in=evaluations)
        .select_related("owner", "evaluation")
        .order_by("due_date", "pk")
    )
    rows = []
    for item in items:
        if item.done:
            state = "done"
        elif item.due_date < today:
            state = "late"
        else:
            state = "open"
        rows.append({"item": item, "evaluation": item.evaluation, "state": state})
    return rows


def _indicators(indicators: QuerySet) -> list[dict]:
    """Each indicator with its latest measured value and attainment."""
    done = Q(evaluation__status__in=[Evaluation.Status.SUBMITTED, Evaluation.Status.REVIEWED])
    results = IndicatorResult.objects.filter(done, actual__isnull=False).select_related(
        "evaluation"
    )
    rows = indicators.prefetch_related(
        Prefetch(
            "results",
            results.order_by("-evaluation__period_end", "-pk"),
            to_attr="measured",
        )
    )
    out = []
    for indicator in rows:
        latest = indicator.measured[0] if indicator.measured else None
        actual = latest.actual if latest else None
        out.append(
            {
                "indicator": indicator,
                "actual": actual,
                "period_end": latest.evaluation.period_end if latest else None,
                "attainment": attainment(indicator, actual),
            }
        )
    return out


# A report is of one agreement or program the person may see (`_agreement`, `_program` fetch
# it through visible_to): everything it sums belongs to that subject, so the queries below
# are scoped by it and say unscoped() to the guard.


def agreement_report_data(agreement: Agreement) -> dict:
    programs = agreement.programs.all()
    enrolments = Enrolment.objects.unscoped().filter(program__in=programs.values("pk"))
    enrolments = enrolments.taking_seats()
    subject = Evaluation.objects.unscoped().filter(agreement=agreement)
    evaluations = _evaluations(subject)
    today = timezone.localdate()
    return {
        "kind": "agreement",
        "title": agreement.title,
        "agreement": agreement,
        "parties": list(agreement.agreement_parties.select_related("partner")),
        "programs": list(programs.order_by("name")),
        "objectives": [
            (_("Short-term objectives"), agreement.objectives_short_term),
            (_("Long-term objectives"), agreement.objectives_long_term),
        ],
        "indicators": _indicators(SuccessIndicator.objects.filter(agreement=agreement)),
        "evaluations": evaluations,
        "evaluations_total": len(evaluations),
        "action_items": _action_items(subject.values("pk"), today),
        # The enrolments' ids first, as an `unnest`: as a subquery PostgreSQL hashed them and
        # read all 930,000 pairs to find theirs (90 ms for an agreement's 321 enrolments).
        "hours": _hours(
            Session.objects.unscoped().filter(
                mentorship__enrolment__in=id_list(list(enrolments.values_list("pk", flat=True)))
            )
        ),
        "stages": _stages(Cadre.objects.unscoped().filter(pk__in=enrolments.values("cadre_id"))),
        "today": today,
    }


# The program report's page lists the newest evaluations (a national program has hundreds:
# each a row to read and draw, over the page budget); its PDF lists them all.
PAGE_EVALUATIONS = 50


def program_report_data(program: Program, *, evaluations_shown: int | None = None) -> dict:
    """The report's data; `evaluations_shown`: at most that many evaluations, the newest
    (the page), with their number in all; None: every one (the PDF)."""
    enrolments = program.enrolments.taking_seats()
    cadres = Cadre.objects.unscoped().filter(pk__in=enrolments.values("cadre_id"))
    agreements = program.agreements.all()
    # The pairs' ids first (a few hundred): with the join inside the OR, PostgreSQL tested
    # every evaluation in the country against it (1.6 s at national scale); with a list,
    # both halves are index scans.
    # The evaluations' ids (a few hundred) once: the page's newest, their number and their
    # action items are then read by id (with the OR as a subquery, the action items were
    # hash-joined against all 100,000 of the country's).
    ids = list(
        _program_evaluations(program, _program_pairs(program))
        .order_by()
        .values_list("pk", flat=True)
    )
    evaluations = _evaluations(Evaluation.objects.unscoped().filter(pk__in=ids), evaluations_shown)
    today = timezone.localdate()
    return {
        "kind": "program",
        "title": program.name,
        "program": program,
        "partners": list(program.partners.order_by("name")),
        "agreements": list(agreements.order_by("title")),
        "objectives": [(_("Objectives"), program.objectives)],
        "indicators": _indicators(
            SuccessIndicator.objects.filter(agreement__in=agreements.values("pk")).select_related(
                "agreement"
            )
        ),
        "evaluations": evaluations,
        "evaluations_total": len(ids),
        "action_items": _action_items(ids, today),
        "hours": _hours(Session.objects.unscoped().filter(mentorship__enrolment__program=program)),
        "stages": _stages(cadres),
        "enrolment_statuses": _enrolment_statuses(program.enrolments.all()),
        "diversity": _diversity(cadres),
        "today": today,
    }


def _enrolment_statuses(enrolments: QuerySet) -> list[dict]:
    counts = enrolments.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in Enrolment.Status.values}
    )
    return [{"label": label, "count": counts[s]} for s, label in Enrolment.Status.choices]


def _diversity(cadres: QuerySet) -> dict:
    """The program's background mix, through the one suppression rule."""
    summary = diversity_summary(cadres)
    return {
        "answered": summary.answered,
        "shown": summary.shown,
        "dimensions": summary.dimensions,
        "small_group": summary.small_group,
    }


# --- Views -------------------------------------------------------------------------------


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    parties = AgreementParty.objects.select_related("partner")
    visible = Agreement.objects.visible_to(request.user).select_related("coordinator")
    return get_object_or_404(
        visible.prefetch_related(Prefetch("agreement_parties", parties)), pk=pk
    )


def _program(request: HttpRequest, pk: int) -> Program:
    visible = Program.objects.visible_to(request.user).select_related("coordinator")
    return get_object_or_404(visible, pk=pk)


@perm_or_404("partners.view_agreement")
def agreement_report(request: HttpRequest, pk: int) -> HttpResponse:
    data = agreement_report_data(_agreement(request, pk))
    return render(request, "dashboard/report.html", data)


@perm_or_404("partners.view_agreement")
def agreement_report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    data = agreement_report_data(_agreement(request, pk))
    return _pdf_response(pdf.agreement_report(data), f"agreement-{pk}", data["today"])


@perm_or_404("programs.view_program")
def program_report(request: HttpRequest, pk: int) -> HttpResponse:
    data = program_report_data(_program(request, pk), evaluations_shown=PAGE_EVALUATIONS)
    return render(request, "dashboard/report.html", data)


@perm_or_404("programs.view_program")
def program_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF at once when it is small; a big one is drawn by a worker (its export's page
    answers at once)."""
    program = _program(request, pk)
    if request.user.has_perm("dashboard.have_exports") and pdf_rows_over(program):
        query = f"pk={program.pk}"
        return export_ask(
            request, list_name="program_report", query=query, file_format=Export.Format.PDF
        )
    data = program_report_data(program)
    return _pdf_response(pdf.program_report(data), f"program-{pk}", data["today"])


def _program_pairs(program: Program) -> list[int]:
    return list(
        Mentorship.objects.unscoped()
        .filter(enrolment__program=program)
        .order_by()
        .values_list("pk", flat=True)
    )


def pdf_rows_over(program: Program) -> bool:
    """Whether the program's PDF tables hold more rows than are drawn in a request (its
    evaluations, counted with a LIMIT, plus their action items)."""
    most = settings.KADER_REPORT_PDF_BACKGROUND_ROWS
    evaluations = _program_evaluations(program, _program_pairs(program))
    rows = ActionItem.objects.unscoped().filter(evaluation__in=evaluations.values("pk"))
    counted = evaluations.order_by().values("pk")[: most + 1].count()
    if counted > most:
        return True
    return counted + rows.order_by().values("pk")[: most + 1].count() > most


def _program_evaluations(program: Program, pairs: list[int]) -> QuerySet:
    return Evaluation.objects.unscoped().filter(Q(program=program) | Q(mentorship__in=pairs))


@dataclass(frozen=True)
class ReportFile:
    """A report a worker draws as PDF for the person who asked (dashboard/export_jobs.py)."""

    name: str
    allowed: Callable[[User], bool]
    # The PDF for `user` from the export's query ("pk=12"), or None when the subject is
    # gone or no longer theirs to see.
    draw: Callable[[User, str], io.BytesIO | None]


def _draw_program(user: User, query: str) -> io.BytesIO | None:
    pk = QueryDict(query).get("pk", "")
    visible = Program.objects.visible_to(user).select_related("coordinator")
    program = visible.filter(pk=pk).first() if pk.isdigit() else None
    return None if program is None else pdf.program_report(program_report_data(program))


REPORTS: dict[str, ReportFile] = {
    "program_report": ReportFile(
        "program_report", lambda user: user.has_perm("programs.view_program"), _draw_program
    ),
}


def _pdf_response(buffer, name: str, today: dt.date) -> FileResponse:
    filename = f"kader-{name}-{today:%Y-%m-%d}.pdf"
    return FileResponse(
        buffer, as_attachment=True, filename=filename, content_type="application/pdf"
    )
