"""Mentors' views (made for a phone) and the mentorship page coordinators share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.access import perm_or_404
from core import offline
from programs import services
from programs.forms import GoalForm, GoalProgressForm, SessionForm
from programs.models import DevelopmentGoal, Mentorship, Session

# Refusals, in words a mentor reads next to a draft their phone kept (core/offline.py).
SESSION_READ_ONLY = _lazy(
    "This session is read-only: sessions can be changed for 14 days after they are logged."
)
MENTORSHIP_ENDED_GOAL = _lazy(
    "This mentoring has ended (the mentee may have passed to another mentor): "
    "the goal's progress can no longer be changed."
)


@perm_or_404("programs.use_mentor_home")
def mentor_home(request: HttpRequest) -> HttpResponse:
    mentorships = (
        Mentorship.objects.visible_to(request.user)
        .active()
        .with_last_session()
        .select_related("enrolment__cadre", "enrolment__program")
        .order_by("enrolment__cadre__full_name")
    )
    today = timezone.localdate()
    mentees = [(m, m.is_stale(today)) for m in mentorships]
    recent = (
        Session.objects.visible_to(request.user)
        .select_related("mentorship__enrolment__cadre")
        .order_by("-date", "-created_at")[:5]
    )
    context = {
        "mentees": mentees,
        "stale_count": sum(stale for _m, stale in mentees),
        "recent": recent,
    }
    return render(request, "programs/mentor_home.html", context)


def _mentorship(request: HttpRequest, pk: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.visible_to(request.user).select_related(
            "mentor__user",
            "enrolment__cadre__province",
            "enrolment__cadre__city",
            "enrolment__program",
        ),
        pk=pk,
    )


@perm_or_404("programs.view_mentorship")
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    sessions = (
        Session.objects.visible_to(request.user)
        .filter(mentorship=mentorship)
        .select_related("logged_by")
    )
    now = timezone.now()
    context = {
        "mentorship": mentorship,
        "cadre": mentorship.enrolment.cadre,
        "goals": DevelopmentGoal.objects.visible_to(request.user).filter(mentorship=mentorship),
        "sessions": [
            (s, s.logged_by_id == request.user.pk and s.is_editable(now)) for s in sessions
        ],
        "minutes": sum(
            s.duration_minutes for s in sessions if s.attendance == Session.Attendance.ATTENDED
        ),
        "can_manage_goals": request.user.has_perm("programs.manage_goals", mentorship),
    }
    return render(request, "programs/mentorship_detail.html", context)


@login_required
@require_POST
@perm_or_404("programs.pair_mentors")
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    services.mentorship_end(mentorship=mentorship)
    messages.success(request, _("The mentorship has ended."))
    return redirect(mentorship.enrolment.program)


@perm_or_404("programs.view_mentorship")
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    if not request.user.has_perm("programs.manage_goals", mentorship):
        raise Http404
    form = GoalForm(request.POST or None, instance=DevelopmentGoal(mentorship=mentorship))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The goal is added."))
        return redirect(mentorship)
    return render(request, "programs/goal_form.html", {"form": form, "mentorship": mentorship})


@perm_or_404("programs.view_mentorship")
@offline.offline_sendable
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(
        DevelopmentGoal.objects.visible_to(request.user).select_related(
            "mentorship__enrolment__cadre", "mentorship__mentor"
        ),
        pk=pk,
    )
    form = GoalProgressForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        if goal.mentorship.status != Mentorship.Status.ACTIVE:
            # A pair that ended (the mentee passed to another mentor) keeps its goals as
            # they were: a progress sent later from a phone must not change them.
            return _refuse(request, goal.mentorship, MENTORSHIP_ENDED_GOAL)
        location = offline.save_once(
            request, lambda: (form.save(), goal.mentorship.get_absolute_url())
        )
        messages.success(request, _("Progress is saved."))
        return offline.sent(request, location)
    if offline.is_offline_send(request):
        return offline.form_refused(form)
    return render(request, "programs/goal_progress.html", {"form": form, "goal": goal})


@perm_or_404("programs.log_session")
@offline.offline_sendable
def session_create(request: HttpRequest) -> HttpResponse:
    initial = {"date": timezone.localdate(), "duration_minutes": 60}
    mentee = request.GET.get("mentee", "")
    if mentee:
        # Pre-selecting someone else's mentee is as absent as any other id: 404.
        initial["mentorship"] = get_object_or_404(
            Mentorship.objects.visible_to(request.user).active(),
            pk=int(mentee) if mentee.isdigit() else 0,
        )
    form = SessionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.logged_by = request.user

        def save() -> tuple[Session, str]:
            session = form.save()
            return session, session.mentorship.get_absolute_url()

        location = offline.save_once(request, save)
        messages.success(
            request,
            _("Session with %(cadre)s is logged.")
            % {"cadre": form.instance.mentorship.enrolment.cadre},
        )
        return offline.sent(request, location)
    if offline.is_offline_send(request):
        return offline.form_refused(form)
    return render(request, "programs/session_form.html", {"form": form})


def _own_session(request: HttpRequest, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related("mentorship__enrolment__cadre"),
        pk=pk,
    )


@perm_or_404("programs.log_session")
@offline.offline_sendable
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    if not request.user.has_perm("programs.amend_session", session):
        return _refuse(request, session.mentorship, SESSION_READ_ONLY)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        location = offline.save_once(
            request, lambda: (form.save(), session.mentorship.get_absolute_url())
        )
        messages.success(request, _("The session is saved."))
        return offline.sent(request, location)
    if offline.is_offline_send(request):
        return offline.form_refused(form)
    return render(request, "programs/session_form.html", {"form": form, "session": session})


def _refuse(request: HttpRequest, mentorship: Mentorship, reason: str) -> HttpResponse:
    """A refusal the phone shows next to its draft, or a message on the pair's page."""
    if offline.is_offline_send(request):
        return offline.refused(reason)
    messages.error(request, reason)
    return redirect(mentorship)


@perm_or_404("programs.log_session")
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    mentorship = session.mentorship
    if not request.user.has_perm("programs.remove_session", session):
        messages.error(
            request,
            _(
                "This session is read-only: sessions can be deleted for "
                "14 days after they are logged."
            ),
        )
        return redirect(mentorship)
    if request.method == "POST":
        session.delete()
        messages.success(request, _("The session is deleted."))
        return redirect(mentorship)
    return render(request, "programs/session_confirm_delete.html", {"session": session})
