"""Evaluations on other apps' pages: the cadre timeline, a program's "what is due", and
the agreement page's evaluation history (`evaluations/_agreement_history.html`, slot
"agreement.history")."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import id_list
from core.slots import render_template
from evaluations.models import Evaluation, IndicatorResult


def cadre_entries(cadre, user) -> list:
    from programs.timeline import TimelineEntry

    evaluations = Evaluation.objects.visible_to(user).filter(mentorship__enrolment__cadre=cadre)
    return [
        TimelineEntry(
            e.due_date,
            "evaluation",
            _("%(kind)s evaluation") % {"kind": e.get_kind_display()},
            e.get_status_display(),
            e.get_absolute_url(),
            "clipboard-check",
        )
        for e in evaluations
    ]


def program_due(program, user) -> list:
    from programs.timeline import DUE_SHOWN, DueItem

    today = timezone.localdate()
    # The program's own evaluations and its pairs', each from its own index (one OR over
    # both would scan every open evaluation), with the subject's name joined, and only the
    # earliest few: a national program has hundreds of pairs to evaluate.
    due = Evaluation.objects.visible_to(user).open().order_by("due_date", "pk")
    own = due.filter(program=program).select_related("program")
    # The program's pairs' ids first (a few hundred): filtered through the join, the
    # earliest-first walk of the due-date index tested every open evaluation in the
    # country against it (4 s for a district's coordinator at national scale).
    from programs.models import Mentorship

    # unscoped: ids only; the evaluations themselves are read through visible_to.
    pair_ids = list(
        Mentorship.objects.unscoped()
        .filter(enrolment__program=program)
        .order_by()
        .values_list("pk", flat=True)
    )
    # As an `unnest` of the ids: as a list of values PostgreSQL may still walk the due-date
    # index testing each open evaluation against the list (3 s for a 484-pair program).
    pairs = due.filter(mentorship__in=id_list(pair_ids)).select_related(
        "mentorship__enrolment__cadre", "mentorship__mentor__user"
    )
    evaluations = sorted([*own[:DUE_SHOWN], *pairs[:DUE_SHOWN]], key=lambda e: (e.due_date, e.pk))[
        :DUE_SHOWN
    ]
    return [
        DueItem(
            e.due_date,
            _("Evaluation: %(subject)s") % {"subject": e.subject},
            e.get_absolute_url(),
            e.due_date < today,
        )
        for e in evaluations
    ]


def agreement_history_context(agreement, user) -> dict:
    """The agreement's evaluations and each indicator's attainment over time (3 queries).

    Rows are indicators, columns are evaluations in period order; a cell is the
    attainment in percent, or None where no value was recorded.
    """
    evaluations = list(
        Evaluation.objects.visible_to(user)
        .filter(agreement=agreement)
        .select_related("evaluator")
        .prefetch_related(
            Prefetch(
                "indicator_results", queryset=IndicatorResult.objects.select_related("indicator")
            )
        )
        .order_by("period_start")
    )
    indicators = list(agreement.indicators.all())
    cells = {
        (r.evaluation_id, r.indicator_id): r for e in evaluations for r in e.indicator_results.all()
    }
    rows = [
        {"indicator": i, "cells": [cells.get((e.pk, i.pk)) for e in evaluations]}
        for i in indicators
    ]
    done = [e for e in evaluations if not e.is_open]
    return {
        "history_evaluations": evaluations,
        "history_rows": rows if done else [],
        "history_agreement": agreement,
        "today": timezone.localdate(),
    }


def agreement_history(context, agreement) -> str:
    """The agreement page's slot "agreement.history" (core.slots): its evaluations."""
    values = agreement_history_context(agreement, context["request"].user)
    return render_template("evaluations/_agreement_history.html", context, **values)
