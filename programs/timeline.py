"""A cadre's history on one timeline, and what is due in a program.

HOOKS for the evaluations app (it must not edit this app): in its AppConfig.ready(),
call `register_timeline_source(fn)` with `fn(cadre, user) -> Iterable[TimelineEntry]`
to show a cadre's evaluations on the cadre page, and `register_due_source(fn)` with
`fn(program, user) -> Iterable[DueItem]` to list evaluations due on the program page.
Each source must scope its own query with `visible_to(user)`, issue a fixed number
of queries, and return at most DUE_SHOWN items (the earliest): a national program has
hundreds of pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import DevelopmentGoal, Enrolment, Mentorship, Program, Session


@dataclass
class TimelineEntry:
    date: dt.date
    kind: str  # "enrolment", "mentorship", "goal", "session", "evaluation", …
    title: str
    detail: str = ""
    url: str = ""
    icon: str = "dot"


@dataclass
class DueItem:
    date: dt.date | None
    title: str
    url: str = ""
    overdue: bool = False


# At most this many items of each kind in a program's "what is due".
DUE_SHOWN = 10
# The latest sessions on a cadre's timeline.
TIMELINE_SESSIONS = 20

TimelineSource = Callable[..., Iterable[TimelineEntry]]
DueSource = Callable[..., Iterable[DueItem]]
TIMELINE_SOURCES: list[TimelineSource] = []
DUE_SOURCES: list[DueSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def register_due_source(source: DueSource) -> DueSource:
    if source not in DUE_SOURCES:
        DUE_SOURCES.append(source)
    return source


class Timeline(list):
    """A cadre's entries, newest first; `cut` when older sessions were left out."""

    cut: bool = False


def cadre_timeline(cadre, user) -> Timeline:
    enrolments = (
        cadre.enrolments.all()
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "mentorships",
                queryset=Mentorship.objects.visible_to(user).select_related("mentor__user"),
            ),
            Prefetch("mentorships__goals", queryset=DevelopmentGoal.objects.visible_to(user)),
        )
    )
    entries = Timeline()
    for enrolment in enrolments:
        entries += _enrolment_entries(enrolment)
    # Years of weekly mentoring would fill the page: the latest sessions, and each
    # mentorship's page (linked from the timeline) has them all.
    sessions = list(
        Session.objects.visible_to(user)
        .filter(mentorship__enrolment__cadre=cadre)
        .select_related("mentorship__mentor__user")
        .order_by("-date", "-pk")[: TIMELINE_SESSIONS + 1]
    )
    entries.cut = len(sessions) > TIMELINE_SESSIONS
    entries += [_session_entry(s) for s in sessions[:TIMELINE_SESSIONS]]
    for source in TIMELINE_SOURCES:
        entries += list(source(cadre, user))
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries


def _enrolment_entries(enrolment: Enrolment) -> list[TimelineEntry]:
    program = enrolment.program
    entries = [
        TimelineEntry(
            enrolment.enrolled_on,
            "enrolment",
            _("Enrolled in %(program)s") % {"program": program.name},
            enrolment.get_status_display(),
            program.get_absolute_url(),
            "journal-bookmark",
        )
    ]
    for mentorship in enrolment.mentorships.all():
        entries.append(
            TimelineEntry(
                mentorship.started_on,
                "mentorship",
                _("Paired with mentor %(mentor)s") % {"mentor": mentorship.mentor},
                program.name,
                mentorship.get_absolute_url(),
                "people",
            )
        )
        entries += [_goal_entry(goal, mentorship) for goal in mentorship.goals.all()]
    return entries


def _goal_entry(goal: DevelopmentGoal, mentorship: Mentorship) -> TimelineEntry:
    return TimelineEntry(
        goal.created_at.date(),
        "goal",
        _("Goal: %(title)s") % {"title": goal.title},
        _("%(progress)s%% done") % {"progress": goal.progress},
        mentorship.get_absolute_url(),
        "flag",
    )


def _session_entry(session: Session) -> TimelineEntry:
    return TimelineEntry(
        session.date,
        "session",
        _("Session with %(mentor)s (%(minutes)s min)")
        % {"mentor": session.mentorship.mentor, "minutes": session.duration_minutes},
        session.topics,
        session.mentorship.get_absolute_url(),
        "chat-dots",
    )


def program_due(program: Program, user) -> list[DueItem]:
    """What needs attention, earliest first: stale pairs, goals near their date, the end.

    A national program has hundreds of pairs: each kind is fetched already ordered and cut
    at DUE_SHOWN in SQL (the page says so when a list is that long).
    """
    today = timezone.localdate()
    stale = (
        Mentorship.objects.visible_to(user)
        .active()
        .filter(enrolment__program=program)
        .stale(today)
        .with_last_met()
        .select_related("enrolment__cadre", "mentor__user")
        .order_by(F("last_session_on").asc(nulls_first=True), "started_on", "pk")
    )
    items = [
        DueItem(
            m.last_session_on,
            _("%(cadre)s has not met %(mentor)s for 30 days")
            % {"cadre": m.enrolment.cadre, "mentor": m.mentor},
            m.get_absolute_url(),
            True,
        )
        for m in stale[:DUE_SHOWN]
    ]
    soon = today + dt.timedelta(days=30)
    goals = (
        DevelopmentGoal.objects.visible_to(user)
        .open()
        .filter(mentorship__enrolment__program=program, target_date__lte=soon)
        .select_related("mentorship__enrolment__cadre")
        .order_by("target_date", "pk")
    )
    items += [
        DueItem(
            g.target_date,
            _("Goal “%(goal)s” of %(cadre)s")
            % {"goal": g.title, "cadre": g.mentorship.enrolment.cadre},
            g.mentorship.get_absolute_url(),
            g.is_overdue(today),
        )
        for g in goals[:DUE_SHOWN]
    ]
    closed = program.status in (Program.Status.COMPLETED, Program.Status.CANCELLED)
    if not closed and today <= program.end_date <= soon:
        items.append(DueItem(program.end_date, _("The program ends")))
    for source in DUE_SOURCES:
        items += list(source(program, user))
    items.sort(key=lambda i: (i.date is None, i.date or today))
    return items
