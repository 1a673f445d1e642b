"""A personal iCalendar feed a phone calendar subscribes to, behind a secret revocable URL.

The feed holds evaluation due dates, action-item due dates, agreement end dates and, for
mentors, the sessions they logged; each list comes through `visible_to(user)`, so a feed
shows no more than its owner may see in the app. An unknown or revoked token answers 404.

Calendar apps poll the feed (every few minutes to every few hours), and building it costs
up to a second for a coordinator who sees a whole country. The built feed is kept in the
cache for `FEED_KEEP` seconds under a key of its owner, a digest of the token, the language
and the day: nobody else's request can name that key, and the token is looked up in the
database on every request before the cache is read, so a revoked or regenerated link stops
at once (404), and a user who lost their role or account too. What the feed shows may lag
the app by up to `FEED_KEEP`, as it does anyway between a calendar app's polls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import perm_or_404
from accounts.roles import User, is_mentor
from core.formatting import minutes
from dashboard.models import CalendarFeed
from dashboard.rules import may_have_feed
from evaluations.models import ActionItem, Evaluation, ReminderPreference
from jurisdictions.scope import scope_of
from partners.models import Agreement
from programs.models import Session

# Far enough back to see what was missed, far enough ahead to plan; bounded so a feed
# stays small for a phone on mobile data.
PAST = dt.timedelta(days=90)
AHEAD = dt.timedelta(days=400)
# At most this many events of each kind, the earliest first: a national coordinator sees
# hundreds of thousands of open evaluations in that window (a feed of hundreds of MB that
# took minutes: icalendar writes about 3,000 events a second), which no phone shows
# usefully. A mentor's own stay far below it.
EVENTS_PER_KIND = 200
# Seconds a built feed is kept for the calendar app's next poll.
FEED_KEEP = 5 * 60


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line
    breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545, 3.1), never inside a UTF-8 character."""
    if len(line.encode()) <= 75:
        return line
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


@dataclass(frozen=True)
class Event:
    """An all-day event, written as iCalendar text by `calendar_for` (the icalendar
    package built and wrote 600 events in about 200 ms; these lines take a few)."""

    uid: str
    day: dt.date
    summary: str
    url: str
    description: str = ""

    def lines(self, stamp: str) -> list[str]:
        lines = [
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(self.summary)}",
            f"DTSTART;VALUE=DATE:{self.day:%Y%m%d}",
            # an all-day event
            f"DTEND;VALUE=DATE:{self.day + dt.timedelta(days=1):%Y%m%d}",
            f"DTSTAMP:{stamp}",
            f"UID:{_text(self.uid)}@kader",
        ]
        if self.description:
            lines.append(f"DESCRIPTION:{_text(self.description)}")
        # a due date does not make you busy
        lines += ["TRANSP:TRANSPARENT", f"URL:{self.url}", "END:VEVENT"]
        return lines


def _event(uid: str, day: dt.date, summary: str, path: str, description: str = "") -> Event:
    return Event(uid, day, summary, absolute(path), description)


def events_for(user: User, today: dt.date) -> Iterator[Event]:
    """Every dated thing `user` should see in a calendar, one query per kind."""
    start, end = today - PAST, today + AHEAD
    evaluations = (
        Evaluation.objects.visible_to(user)
        .open()
        .filter(due_date__range=(start, end))
        .with_subjects()
        .order_by("due_date", "pk")[:EVENTS_PER_KIND]
    )
    for e in evaluations:
        summary = _("Evaluation due: %(subject)s") % {"subject": e.subject}
        yield _event(f"evaluation-{e.pk}", e.due_date, summary, e.get_absolute_url())
    items = (
        _own_action_items(user)
        .open()
        .filter(due_date__range=(start, end))
        .select_related("evaluation")
        .order_by("due_date", "pk")[:EVENTS_PER_KIND]
    )
    for item in items:
        summary = _("Action due: %(action)s") % {"action": item.description}
        path = item.evaluation.get_absolute_url()
        yield _event(f"action-{item.pk}", item.due_date, summary, path)
    yield from _agreement_events(user, start, end)
    yield from _session_events(user, start, today)


def _own_action_items(user: User):
    """The action items `user` sees. A mentor with no office of their own sees only those
    they own or whose evaluation they write: `visible_to` says so as an OR across the join
    to the evaluation, which PostgreSQL tested against every evaluation in the country
    (0.33 s at national scale). The same rows, narrowed first to the evaluations they write
    read as ids, so both halves are index scans."""
    items = ActionItem.objects.visible_to(user)
    if not is_mentor(user) or not scope_of(user).is_empty:
        return items
    evaluated = list(
        Evaluation.objects.visible_to(user)
        .filter(evaluator=user)
        .order_by()
        .values_list("pk", flat=True)
    )
    return items.filter(Q(owner=user) | Q(evaluation_id__in=evaluated))


def _agreement_events(user: User, start: dt.date, end: dt.date) -> Iterator[Event]:
    agreements = Agreement.objects.visible_to(user).filter(
        status__in=[Agreement.Status.DRAFT, Agreement.Status.ACTIVE],
        end_date__range=(start, end),
    )
    for a in agreements.order_by("end_date", "pk")[:EVENTS_PER_KIND]:
        summary = _("Agreement ends: %(title)s") % {"title": a.title}
        yield _event(f"agreement-end-{a.pk}", a.end_date, summary, a.get_absolute_url())


def _session_events(user: User, start: dt.date, today: dt.date) -> Iterator[Event]:
    if not is_mentor(user):
        return
    sessions = (
        Session.objects.visible_to(user)
        .filter(logged_by=user, date__range=(start, today))
        .select_related("mentorship__enrolment__cadre")
        .order_by("-date", "-pk")[:EVENTS_PER_KIND]
    )
    for s in sessions:
        summary = _("Mentoring: %(name)s (%(duration)s)") % {
            "name": s.mentorship.cadre.full_name,
            "duration": minutes(s.duration_minutes),
        }
        path = reverse("programs:mentorship_detail", args=[s.mentorship_id])
        yield _event(f"session-{s.pk}", s.date, summary, path, s.topics)


def calendar_for(user: User, today: dt.date) -> bytes:
    """The feed as iCalendar text (RFC 5545): CRLF line ends, lines folded at 75 octets."""
    stamp = f"{timezone.now().astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kader//Calendar feed//ID",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(_('Kader: %(name)s') % {'name': user.get_username()})}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    for event in events_for(user, today):
        lines += event.lines(stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode()


def _feed_language(user: User) -> str:
    chosen = ReminderPreference.objects.filter(user=user).values_list("language", flat=True)
    return chosen.first() or settings.LANGUAGE_CODE


def feed_cache_key(feed: CalendarFeed, language: str, today: dt.date) -> str:
    """Its owner's, for this token only (a digest: the secret itself is not written into
    the cache's key list), with the offices the owner holds now (a coordinator moved to
    another office does not get the old office's feed back), in this language, for this
    day."""
    digest = hashlib.sha256(feed.token.encode()).hexdigest()[:32]
    scope = scope_of(feed.user).key
    return f"calendar-feed:{feed.user_id}:{digest}:{scope}:{language}:{today:%Y%m%d}"


# --- Views -------------------------------------------------------------------------------


@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the secret URL is the key (calendar apps cannot log in)."""
    found = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    user = found.user
    if not may_have_feed(user):
        raise Http404
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    language, today = _feed_language(user), timezone.localdate()
    key = feed_cache_key(found, language, today)
    body = cache.get(key)
    if body is None:
        with translation.override(language):
            body = calendar_for(user, today)
        cache.set(key, body, FEED_KEEP)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kader.ics"'
    return response


@perm_or_404("dashboard.have_calendar_feed")
def feed_settings(request: HttpRequest) -> HttpResponse:
    """See, copy, create, regenerate or revoke one's own feed URL."""
    current = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        return _change_feed(request, current)
    url = None
    if current:
        url = request.build_absolute_uri(reverse("dashboard:calendar_feed", args=[current.token]))
    return render(request, "dashboard/calendar_settings.html", {"feed": current, "url": url})


def _change_feed(request: HttpRequest, current: CalendarFeed | None) -> HttpResponse:
    action = request.POST.get("action")
    if action == "revoke" and current:
        current.delete()
        messages.success(request, _("Your calendar link is revoked: it no longer works."))
    elif action == "regenerate" and current:
        current.regenerate()
        messages.success(request, _("New calendar link made: the old one no longer works."))
    elif action == "create" and not current:
        CalendarFeed.objects.create(user=request.user)
        messages.success(request, _("Your calendar link is ready: add it to your calendar."))
    return redirect("dashboard:calendar_settings")
