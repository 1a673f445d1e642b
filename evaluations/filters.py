"""Search, filters and sorting for the evaluation and reminder lists (django-filter)."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import User
from core.filters import ListFilterSet, SortFilter
from core.widgets import YesNoWidget
from evaluations.models import Evaluation, Reminder, ReminderKind
from jurisdictions.offices import OfficeFilter, offer_offices

SUBJECTS = [
    ("agreement", _("Agreements")),
    ("program", _("Programs")),
    ("mentorship", _("Mentorships")),
]


class EvaluationFilter(ListFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    status = df.ChoiceFilter(label=_("Status"), choices=Evaluation.Status.choices)
    subject = df.ChoiceFilter(label=_("Subject"), choices=SUBJECTS, method="by_subject")
    overdue = df.BooleanFilter(label=_("Overdue"), method="overdue_only", widget=YesNoWidget())
    # The evaluation's own office: its subject's (the agreement's, program's or cadre's).
    office = OfficeFilter()
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("due_date", "due"), ("status", "status"), ("period_start", "period")),
        field_labels={
            "due_date": _("Due date"),
            "status": _("Status"),
            "period_start": _("Period"),
        },
    )

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self, user)
        self.filters["q"].field.widget.attrs["placeholder"] = _(
            "Agreement, program, cadre, evaluator"
        )

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(agreement__title__icontains=value)
            | Q(program__name__icontains=value)
            | Q(mentorship__enrolment__cadre__full_name__icontains=value)
            | Q(evaluator__first_name__icontains=value)
            | Q(evaluator__last_name__icontains=value)
            | Q(evaluator__username__icontains=value)
        )

    def by_subject(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(**{f"{value}__isnull": False})

    def overdue_only(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        overdue = Q(status__in=Evaluation.OPEN_STATUSES, due_date__lt=timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)


class ReminderFilter(ListFilterSet):
    q = df.CharFilter(label=_("Recipient"), method="search")
    status = df.ChoiceFilter(label=_("Status"), choices=Reminder.Status.choices)
    kind = df.ChoiceFilter(label=_("Kind"), choices=ReminderKind.choices)
    # The reminder's own office: its subject's.
    office = OfficeFilter()
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("for_date", "date"), ("status", "status"), ("attempts", "attempts")),
        field_labels={"for_date": _("Date"), "status": _("Status"), "attempts": _("Attempts")},
    )

    class Meta:
        model = Reminder
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self, user)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(recipient__username__icontains=value)
            | Q(recipient__first_name__icontains=value)
            | Q(recipient__email__icontains=value)
        )
