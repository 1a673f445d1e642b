"""The list of mentoring sessions across programs: what the dashboard's mentoring numbers
link to, and what the sessions export writes. Mentors see their own (`visible_to`)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import perm_or_404
from accounts.roles import User
from core.pagination import paginate
from programs.filters import SessionFilter
from programs.models import Mentorship, Session


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


@perm_or_404("programs.list_sessions")
def session_list(request: HttpRequest) -> HttpResponse:
    filters = SessionFilter(request.GET, queryset=sessions_for(request.user), user=request.user)
    context = {"filters": filters, "page": paginate(request, filters.qs)}
    return render(request, "programs/session_list.html", context)
