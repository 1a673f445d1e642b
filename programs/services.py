"""Workflows that span models: enrolment under capacity, pairing, consent, sessions.

Each is one keyword-only function that validates and runs in a transaction; forms only
collect input and views only call these.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.scoping import unguarded
from jurisdictions.scope import scope_of
from programs.models import (
    Cadre,
    CadreBackground,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)
from programs.signals import mentorship_paired


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

# Options the pairing page shows: the best this many; any other mentor is found by typing.
SUGGESTED = 20


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
    # unscoped: the goals of the enrolment the caller holds (fetched through visible_to),
    # in one query rather than one per earlier pair.
    goals = DevelopmentGoal.objects.unscoped().filter(mentorship__enrolment=enrolment)
    texts += list(goals.values_list("title", flat=True))
    return _words(" ".join(texts))


def mentor_suggestions(*, enrolment: Enrolment, user, limit: int = SUGGESTED) -> list[Suggestion]:
    """The `limit` best mentors for a cadre: expertise against goals, shared region, free
    capacity.

    Weights: an expertise match counts most (it is why a pairing works), a shared
    province next (meeting in person), free places last; full mentors go to the end.
    PostgreSQL ranks the eligible mentors (60,000 at national scale) from what is kept
    for it (each mentor's active pairs, the words of their expertise) and returns only the
    best; `_score` is the rule in Python, which the tests hold the SQL to and which ranks
    on SQLite.
    """
    interests = _cadre_interests(enrolment)
    cadre = enrolment.cadre
    mentors = (
        MentorProfile.objects.visible_to(user)
        .available_for(enrolment)
        .select_related("user", "partner", "province")
    )
    if connection.vendor != "postgresql":
        ranked = [_score(m, cadre, interests) for m in mentors]
        ranked.sort(key=lambda s: (s.over_capacity, -s.score, str(s.mentor)))
        return ranked[:limit]
    # An office pairs among a few thousand mentors (its own and those of the units above
    # it): their words are read for them only. The nation's are everyone's.
    few = not scope_of(user).everything
    return _ranked_in_sql(mentors, cadre, sorted(interests), limit, few=few)


# `_score` and the order of `mentor_suggestions` in SQL, over the eligible mentors
# ({eligible} is their ids' query). A mentor's active pairs are the count kept on the
# profile (programs/mentor_load.py); the tags whose words meet the cadre's are counted from
# the kept words (programs/expertise_words.py), found by their index. A city is shared
# only within the province, so only those mentors' partners are read.
#
# A mentor with no matching tag outside the cadre's province scores at most 3 (its free
# places). So the mentors who match or share the province are ranked first (`best`); when
# the best `limit` of them are not full and all score more than 3, they are the best of
# everyone, and the others are never read (a one-time filter: most pages at national
# scale). Otherwise every eligible mentor is ranked, in the same statement. The users'
# names, which only break ties, are read for the rows tied with the last one kept.
RANKING = """
    WITH matched AS (
        SELECT mentor_id, count(DISTINCT tag) AS tags FROM programs_mentorword
        WHERE word = ANY (%s::text[]) {among} GROUP BY mentor_id
    ), scored AS NOT MATERIALIZED (
        SELECT r.*, 3 * r.tags + 2 * r.in_province::int + r.in_city::int + r.free AS score
        FROM (
            SELECT mp.id, mp.user_id, mp.province_id, COALESCE(m.tags, 0) AS tags,
                mp.mentee_capacity <= mp.active_mentees_count AS is_full,
                COALESCE(mp.province_id = %s, false) AS in_province,
                CASE WHEN mp.province_id = %s THEN EXISTS (
                    SELECT 1 FROM partners_partner pa
                    WHERE pa.id = mp.partner_id AND pa.region_id = %s
                ) ELSE false END AS in_city,
                LEAST(GREATEST(mp.mentee_capacity - mp.active_mentees_count, 0), 3) AS free
            FROM ({eligible}) mp
            LEFT JOIN matched m ON m.mentor_id = mp.id
        ) r
    ), best AS (
        SELECT * FROM scored
        WHERE id IN (SELECT mentor_id FROM matched) OR province_id = %s
        ORDER BY is_full, score DESC FETCH FIRST %s ROWS WITH TIES
    ), enough AS (
        SELECT count(*) >= %s AND NOT bool_or(is_full) AND min(score) > 3 AS yes FROM best
    ), tied AS (
        SELECT * FROM best WHERE (SELECT yes FROM enough)
        UNION ALL (
            SELECT * FROM scored WHERE NOT (SELECT yes FROM enough)
            ORDER BY is_full, score DESC FETCH FIRST %s ROWS WITH TIES
        )
    )
    SELECT t.id, t.in_province, t.in_city, t.score
    FROM tied t JOIN auth_user u ON u.id = t.user_id
    ORDER BY t.is_full, t.score DESC,
        COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username), t.id
    LIMIT %s
"""
AMONG = "AND mentor_id IN (SELECT e.id FROM ({eligible}) e)"
# What the ranking reads of each eligible mentor.
RANKED_COLUMNS = (
    "id",
    "user_id",
    "province_id",
    "partner_id",
    "mentee_capacity",
    "active_mentees_count",
)


def _ranked_in_sql(
    mentors, cadre: Cadre, interests: list[str], limit: int, *, few: bool
) -> list[Suggestion]:
    """The best `limit` of `mentors` (a scoped queryset), ranked in one query, then read
    with what the page shows in a second."""
    try:
        eligible = mentors.order_by().values(*RANKED_COLUMNS)
        eligible_sql, eligible_params = eligible.query.sql_with_params()
    except EmptyResultSet:  # nobody in the person's scope: `none()` has no SQL
        return []
    province, city = cadre.province_id, cadre.city_id
    among, among_params = ("", [])
    if few:
        among, among_params = AMONG.format(eligible=eligible_sql), eligible_params
    sql = RANKING.format(eligible=eligible_sql, among=among)
    params = [interests, *among_params, province, province, city, *eligible_params, province]
    params += [limit] * 4
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked = cursor.fetchall()
    # unscoped: the ids just chosen from `mentors`, which visible_to scoped.
    found = MentorProfile.objects.unscoped().select_related("user", "partner", "province")
    by_id = found.in_bulk([row[0] for row in ranked])
    wanted = set(interests)
    return [
        Suggestion(
            by_id[pk],
            score,
            in_city,
            in_province,
            [tag for tag in by_id[pk].expertise_list() if _words(tag) & wanted],
            by_id[pk].free_capacity(),
        )
        for pk, in_province, in_city, score in ranked
    ]


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
            raise ValidationError(
                _("This mentor is already paired with this cadre."), code="already_paired"
            )
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
        mentorship = Mentorship.objects.create(
            mentor=mentor, enrolment=enrolment, over_capacity=full, created_by=by
        )
        mentorship_paired.send(sender=Mentorship, mentorship=mentorship)
    return mentorship


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
