"""The objects that fill the bench's URLs, found in the seeded database for each persona.

Each key of bench/pages.py maps to a function of the persona's user that answers the URL's
keyword arguments and query string: the first object (by id) the persona sees, through the
model's `visible_to`, so that a district's coordinator gets one of their district. A few
rows the tiers do not seed (a background question, a calendar feed, a finished export) are
created once here; they change nothing else the bench measures.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from core.pagination import encode_cursor
from dashboard.models import CalendarFeed, Export
from evaluations.models import Evaluation, Reminder
from partners.models import Agreement, CommunicationLog, Partner
from programs.models import (
    BackgroundField,
    Cadre,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)

# {"value": the URL's argument (an id, a token), "query": a query string, "post": form data}
Found = dict
BENCH_EXPORT_QUERY = "bench=1"  # marks the finished export the bench makes for itself


def first(queryset) -> Found | None:
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else {"value": pk}


def _program(user) -> Found | None:
    # A running program if the persona has one (its page shows the most), else any.
    programs = Program.objects.visible_to(user)
    return first(programs.filter(status="running")) or first(programs)


def _unpaired(user) -> Found | None:
    # An enrolment waiting for a mentor (applied, or active without an active pair): the
    # page that lists suggestions.
    enrolments = (
        Enrolment.objects.visible_to(user)
        .filter(status__in=["applied", "active"])
        .exclude(mentorships__status="active")
    )
    return first(enrolments)


def _middle(user) -> Found | None:
    """The "next" cursor of the row in the middle of the directory the persona sees."""
    cadres = Cadre.objects.visible_to(user)
    middle = cadres.count() // 2  # one OFFSET here, before the clock starts
    row = cadres.order_by("full_name", "pk").values_list("full_name", "pk")[middle]
    return {"query": f"after={encode_cursor(list(row))}"}


def _province_filter(user) -> Found | None:
    cadre = Cadre.objects.visible_to(user).order_by("pk").first()
    return None if cadre is None else {"query": f"province={cadre.province_id}&stage=participant"}


def _province_query(user) -> Found | None:
    cadre = Cadre.objects.visible_to(user).order_by("pk").first()
    return None if cadre is None else {"query": f"province={cadre.province_id}"}


def _field(user) -> Found:
    field = BackgroundField.objects.order_by("pk").first() or BackgroundField.objects.create(
        key="bench", label="Bench", is_active=True
    )
    return {"value": field.pk}


def _feed(user) -> Found:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return {"value": feed.token}


def _export(user) -> Found:
    """A finished export of the persona's own, with a small file (a real one's download
    is a file read from storage: its time does not depend on the tier)."""
    export = Export.objects.filter(requested_by=user, query=BENCH_EXPORT_QUERY).first()
    if export is None:
        now = timezone.now()
        export = Export.objects.create(
            requested_by=user,
            list_name="sessions",
            query=BENCH_EXPORT_QUERY,
            status=Export.Status.DONE,
            finished_at=now,
            expires_at=now + timezone.timedelta(days=365),
        )
        export.file.save("bench.xlsx", ContentFile(b"PK" + b"\0" * 4096))
    return {"value": export.pk}


def _evaluation(user) -> Found | None:
    # An evaluation still to fill: its form is the one a person opens.
    evaluations = Evaluation.objects.visible_to(user).filter(status="scheduled")
    if user.username.startswith("scale-mentor"):
        evaluations = evaluations.filter(evaluator=user)
    return first(evaluations)


def _session(user) -> Found | None:
    # One the mentor logged in the last 14 days: older ones are read-only, and their edit
    # and delete pages redirect. The bench's own "log a session (POST)" leaves some.
    sessions = Session.objects.visible_to(user).filter(logged_by=user)
    recent = sessions.filter(created_at__gte=timezone.now() - timezone.timedelta(days=13))
    pk = recent.order_by("-pk").values_list("pk", flat=True).first()
    return {"value": pk} if pk else first(sessions)


def _reminder(user) -> Found | None:
    return first(Reminder.objects.received_by(user))


def _session_post(user) -> Found | None:
    pair = Mentorship.objects.filter(mentor__user=user, status="active").order_by("pk").first()
    if pair is None:
        return None
    post = {
        "mentorship": str(pair.pk),
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "60",
        "mode": "in_person",
        "attendance": "attended",
        "topics": "bench",
    }
    return {"post": post}


RESOLVERS: dict[str, Callable] = {
    "partner": lambda user: first(Partner.objects.visible_to(user)),
    "log": lambda user: first(CommunicationLog.objects.visible_to(user)),
    "agreement": lambda user: first(Agreement.objects.visible_to(user)),
    # A closed agreement's edit form redirects to its page: a draft or active one of theirs.
    "open_agreement": lambda user: first(
        Agreement.objects.changeable_by(user).filter(status__in=["draft", "active"])
    ),
    "program": _program,
    "enrolment": lambda user: first(Enrolment.objects.visible_to(user)),
    "unpaired": _unpaired,
    "middle": _middle,
    "province_filter": _province_filter,
    "province_query": _province_query,
    "cadre": lambda user: first(Cadre.objects.visible_to(user)),
    "field": _field,
    "profile": lambda user: first(MentorProfile.objects.visible_to(user)),
    "mentorship": lambda user: first(Mentorship.objects.visible_to(user).filter(status="active")),
    "goal": lambda user: first(DevelopmentGoal.objects.visible_to(user)),
    "session": _session,
    "evaluation": _evaluation,
    "reminder": _reminder,
    "feed": _feed,
    "export": _export,
    "session_post": _session_post,
}
