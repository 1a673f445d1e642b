"""Workflows that span models: enrolment under capacity, pairing, consent, sessions.

Each is one keyword-only function that validates and runs in a transaction; forms only
collect input and views only call these.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.scoping import unguarded
from programs.models import (
    Cadre,
    CadreBackground,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)


class ProgramFull(ValidationError):
    pass


class MentorOverCapacity(ValidationError):
    pass


def _lock_program(program: Program) -> Program:
    # Two coordinators enrolling the last seat at once: the row lock makes the second
    # wait, then count again and see the program full (PostgreSQL; SQLite locks the file).
    # unscoped: the program the caller already holds, locked.
    return Program.objects.unscoped().select_for_update().get(pk=program.pk)


def _refuse_if_full(program: Program, *, ignoring: Enrolment | None = None) -> None:
    taken = program.enrolments.taking_seats()
    if ignoring is not None and ignoring.pk:
        taken = taken.exclude(pk=ignoring.pk)
    if taken.count() >= program.capacity:
        raise ProgramFull(
            _("%(program)s is full: all %(capacity)s places are taken.")
            % {"program": program.name, "capacity": program.capacity},
            code="full",
        )


def enrolment_create(
    *, program: Program, cadre: Cadre, status: str = Enrolment.Status.APPLIED
) -> Enrolment:
    with transaction.atomic():
        program = _lock_program(program)
        if program.enrolments.filter(cadre=cadre).exists():
            raise ValidationError(
                _("%(cadre)s is already enrolled in this program.") % {"cadre": cadre},
                code="duplicate",
            )
        if status in Enrolment.SEAT_STATUSES:
            _refuse_if_full(program)
        enrolment = Enrolment.objects.create(program=program, cadre=cadre, status=status)
        _promote_to_participant(cadre)
    return enrolment


def enrolment_update(*, enrolment: Enrolment, status: str, outcome: str, notes: str) -> Enrolment:
    with transaction.atomic():
        program = _lock_program(enrolment.program)
        returning = status in Enrolment.SEAT_STATUSES and not _held_seat(enrolment)
        if returning:
            _refuse_if_full(program, ignoring=enrolment)
        enrolment.status, enrolment.outcome, enrolment.outcome_notes = status, outcome, notes
        enrolment.save()
        if status == Enrolment.Status.WITHDRAWN:
            # With history rows (who withdrew the cadre, when): a plain UPDATE left none.
            ended = list(enrolment.mentorships.active())
            for mentorship in ended:
                mentorship.status = Mentorship.Status.ENDED
                mentorship.ended_on = timezone.localdate()
            # unguarded: the pairs just read through the enrolment's related manager.
            with unguarded():
                bulk_update_with_history(ended, Mentorship, ["status", "ended_on"])
    return enrolment


def _held_seat(enrolment: Enrolment) -> bool:
    # unscoped: the enrolment the caller holds, as stored.
    stored = Enrolment.objects.unscoped().filter(pk=enrolment.pk)
    stored = stored.values_list("status", flat=True).first()
    return stored in Enrolment.SEAT_STATUSES


def _promote_to_participant(cadre: Cadre) -> None:
    # A candidate who is enrolled is now in development; later stages stay as they are.
    if cadre.stage == Cadre.Stage.CANDIDATE:
        cadre.stage = Cadre.Stage.PARTICIPANT
        cadre.save(update_fields=["stage", "updated_at"])


# --- Pairing --------------------------------------------------------------------------


@dataclass
class Suggestion:
    mentor: MentorProfile
    score: int
    same_city: bool
    same_province: bool
    matched_expertise: list[str]
    free: int

    @property
    def over_capacity(self) -> bool:
        return self.free <= 0


WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) > 2}


def _cadre_interests(enrolment: Enrolment) -> set[str]:
    cadre = enrolment.cadre
    texts = [cadre.development_focus, cadre.occupation, cadre.education_detail]
    for mentorship in enrolment.mentorships.all():
        texts += [goal.title for goal in mentorship.goals.all()]
    return _words(" ".join(texts))


def mentor_suggestions(*, enrolment: Enrolment, user) -> list[Suggestion]:
    """Mentors ranked for a cadre: shared region, expertise against goals, free capacity.

    Weights: an expertise match counts most (it is why a pairing works), a shared
    province next (meeting in person), free places last; full mentors go to the end.
    """
    interests = _cadre_interests(enrolment)
    cadre = enrolment.cadre
    already = set(enrolment.mentorships.active().values_list("mentor_id", flat=True))
    mentors = (
        MentorProfile.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(pk__in=already)
        .select_related("user", "partner", "province")
        .with_load()
    )
    suggestions = [_score(m, cadre, interests) for m in mentors]
    suggestions.sort(key=lambda s: (s.over_capacity, -s.score, str(s.mentor)))
    return suggestions


def _score(mentor: MentorProfile, cadre: Cadre, interests: set[str]) -> Suggestion:
    matched = [tag for tag in mentor.expertise_list() if _words(tag) & interests]
    same_province = bool(cadre.province_id and mentor.province_id == cadre.province_id)
    same_city = same_province and _mentor_city_matches(mentor, cadre)
    free = mentor.free_capacity()
    score = 3 * len(matched) + 2 * same_province + same_city + min(max(free, 0), 3)
    return Suggestion(mentor, score, same_city, same_province, matched, free)


def _mentor_city_matches(mentor: MentorProfile, cadre: Cadre) -> bool:
    # Mentors record only a province; a partner mentor shares the partner's city.
    partner = mentor.partner
    city_id = partner.region_id if partner else None
    return bool(city_id and city_id == cadre.city_id)


def mentorship_create(
    *, mentor: MentorProfile, enrolment: Enrolment, override: bool, by
) -> Mentorship:
    with transaction.atomic():
        # Lock the mentor so two pairings at once cannot both take the last place.
        # unscoped: the mentor the caller already holds, locked.
        mentor = MentorProfile.objects.unscoped().select_for_update().get(pk=mentor.pk)
        if enrolment.status not in (Enrolment.Status.APPLIED, Enrolment.Status.ACTIVE):
            raise ValidationError(
                _("Only a cadre with an active or applied enrolment can get a mentor."),
                code="not_enrolled",
            )
        if enrolment.mentorships.active().filter(mentor=mentor).exists():
            raise ValidationError(_("This mentor is already paired with this cadre."))
        full = mentor.free_capacity() <= 0
        if full and not override:
            raise MentorOverCapacity(
                _(
                    "%(mentor)s already has %(count)s mentees (capacity %(capacity)s). "
                    "Tick “pair over capacity” to pair anyway."
                )
                % {
                    "mentor": mentor,
                    "count": mentor.active_mentees(),
                    "capacity": mentor.mentee_capacity,
                },
                code="over_capacity",
            )
        return Mentorship.objects.create(
            mentor=mentor, enrolment=enrolment, over_capacity=full, created_by=by
        )


def mentorship_end(*, mentorship: Mentorship, on: dt.date | None = None) -> Mentorship:
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_on = on or timezone.localdate()
    mentorship.save(update_fields=["status", "ended_on"])
    return mentorship


# --- Background data ------------------------------------------------------------------


def background_save(*, cadre: Cadre, values: dict, consent_on: dt.date, by) -> CadreBackground:
    """Store self-declared background, always together with who recorded consent, when."""
    # unscoped: the background of the cadre the caller holds (fetched through visible_to).
    background, _created = CadreBackground.objects.unscoped().update_or_create(
        cadre=cadre,
        defaults={**values, "consent_given_on": consent_on, "consent_recorded_by": by},
    )
    return background


def background_withdraw(*, cadre: Cadre) -> None:
    # Without consent nothing may stay; the model keeps no history for this reason.
    CadreBackground.objects.unscoped().filter(cadre=cadre).delete()


# --- Sessions -------------------------------------------------------------------------


def session_log(*, mentorship: Mentorship, by, **fields) -> Session:
    session = Session(mentorship=mentorship, logged_by=by, **fields)
    session.full_clean()
    session.save()
    return session
