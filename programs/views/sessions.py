"""The list of mentoring sessions across programs: what the dashboard's mentoring numbers
link to, and what the sessions export writes. Mentors see their own (`visible_to`)."""

from __future__ import annotations

import django_filters as df
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.roles import User, is_admin, is_coordinator, is_mentor
from core.autocomplete import AutocompleteSelect
from core.filters import SortFilter
from core.pagination import paginate
from partners.models import Agreement, province_choices
from programs.filters import CompactFilterSet
from programs.models import Mentorship, Program, Session


def may_list_sessions(user: User) -> bool:
    return is_admin(user) or is_coordinator(user) or is_mentor(user)


class SessionFilter(CompactFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    program = df.ModelChoiceFilter(
        label=_("Program"),
        queryset=Program.objects.none(),
        field_name="mentorship__enrolment__program",
        widget=AutocompleteSelect("programs:program_lookup"),
    )
    province = df.ChoiceFilter(
        label=_("Region"),
        choices=province_choices,
        empty_label=_("All"),
        field_name="mentorship__enrolment__cadre__province",
    )
    formality = df.ChoiceFilter(
        label=_("Formality"), choices=Agreement.Formality.choices, method="by_agreement"
    )
    basis = df.ChoiceFilter(
        label=_("Basis"), choices=Agreement.Basis.choices, method="by_agreement"
    )
    attendance = df.ChoiceFilter(label=_("Attendance"), choices=Session.Attendance.choices)
    date_from = df.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = df.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("duration_minutes", "duration")),
        field_labels={"date": _("Date"), "duration_minutes": _("Duration")},
    )

    class Meta:
        model = Session
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.visible_to(user).order_by("name")
        for name in ("date_from", "date_to"):
            self.filters[name].field.widget.input_type = "date"

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(mentorship__enrolment__cadre__full_name__icontains=value)
            | Q(mentorship__mentor__user__first_name__icontains=value)
            | Q(mentorship__mentor__user__last_name__icontains=value)
            | Q(topics__icontains=value)
        )

    def by_agreement(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # The session's program runs under an agreement of that formality or basis.
        agreements = Agreement.objects.filter(**{name: value}).values("pk")
        programs = Program.objects.filter(agreements__in=agreements).values("pk")
        return qs.filter(mentorship__enrolment__program__in=programs)


def sessions_for(user: User) -> QuerySet:
    """The sessions user may list, newest first unless a valid sort says otherwise: an
    unknown `sort` (a stale link, a typo) must not fall back to the model's order, which no
    index serves (230 ms at 12 million sessions)."""
    # The pairs of the rows shown come in a second query: joined in, the statement had
    # seven tables and took PostgreSQL longer to plan than to run (issue 7).
    pairs = Mentorship.objects.select_related(
        "enrolment__cadre", "enrolment__program", "mentor__user"
    )
    visible = Session.objects.visible_to(user).order_by("-date", "-pk")
    return visible.prefetch_related(Prefetch("mentorship", pairs))


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    if not may_list_sessions(request.user):
        raise Http404
    filters = SessionFilter(request.GET, queryset=sessions_for(request.user), user=request.user)
    context = {"filters": filters, "page": paginate(request, filters.qs)}
    return render(request, "programs/session_list.html", context)
