"""The programs of the scale data set: programs, mentors, cadres, enrolments, pairs, sessions.

Part of `manage.py seed_scale` (orchestrated by `devtools/scale.py`). Every cadre lives in a
real regency of its province and has one enrolment; every mentorship joins an active or
completed enrolment and a mentor; sessions fall between the pairing and today, logged by the
mentor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from accounts.seeding import Staff
from core.seeding import FIRST, LAST, SeedRun
from partners.seeding import ORG_WORD, Regions, Register, Term

from . import expertise_words
from .models import (
    BackgroundField,
    Cadre,
    CadreBackground,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)

PROGRAM_KINDS = ("training", "mentoring", "practical")
PROGRAM_WORD = ("Pelatihan", "Pendampingan", "Praktik")
TOPICS = (
    "gizi balita",
    "pencatatan KMS",
    "imunisasi",
    "public speaking",
    "kepemimpinan",
    "kunjungan rumah",
    "keuangan posyandu",
    "stunting",
)
EDUCATIONS = ("secondary", "diploma", "bachelor", "master", "other", "")
STAGES = ("candidate", "participant", "participant", "participant", "alumni", "leader")
SESSION_MODES = ("in_person", "in_person", "online", "phone")
PROGRAM_COLUMNS = (
    "id",
    "name",
    "kind",
    "status",
    "coordinator_id",
    "start_date",
    "end_date",
    "capacity",
    "is_online",
    "place",
)
CADRE_COLUMNS = (
    "id",
    "full_name",
    "email",
    "phone",
    "province_id",
    "city_id",
    "education",
    "occupation",
    "home_partner_id",
    "home_organisation",
    "stage",
)
SESSION_COLUMNS = (
    "id",
    "mentorship_id",
    "date",
    "duration_minutes",
    "mode",
    "attendance",
    "topics",
    "logged_by_id",
    "created_at",
)

Pair = tuple[int, str, int]  # mentorship pk, enrolment status, days since the enrolment


@dataclass(frozen=True)
class Cohort:
    """What evaluations need of the programs: their terms, the pairs and who mentors them."""

    programs: dict[int, Term]  # program pk → term
    mentored: list[Pair]  # mentorship pk == enrolment pk == cadre pk
    mentor_users: list[int]  # mentor profile n belongs to mentor_users[n - 1]
    mentor_of: dict[int, int]  # mentorship pk → mentor profile pk

    def mentor_user(self, mentorship: int) -> int:
        return self.mentor_users[self.mentor_of[mentorship] - 1]


def domain_models() -> list[type[Model]]:
    """The tables `seed_scale` checks are empty, and `--force` empties."""
    return [
        Program,
        Cadre,
        BackgroundField,
        CadreBackground,
        Enrolment,
        MentorProfile,
        Mentorship,
        DevelopmentGoal,
        Session,
    ]


def seed(
    run: SeedRun,
    *,
    programs: int,
    cadres: int,
    sessions: int,
    regions: Regions,
    register: Register,
    staff: Staff,
) -> Cohort:
    coordinator = str(staff.coordinators[0])
    terms = _programs(run, programs, register, staff.coordinators)
    _mentor_profiles(run, staff.mentors, register.partners, regions)
    run.out.copy(Cadre, CADRE_COLUMNS, _cadres(run, cadres, register.partners, regions))
    _backgrounds(run, cadres, coordinator)
    mentored: list[Pair] = []
    run.out.copy(
        Enrolment,
        ("id", "program_id", "cadre_id", "status", "enrolled_on", "outcome"),
        _enrolments(run, cadres, terms, mentored),
    )
    mentor_of = _mentorships(run, mentored, len(staff.mentors), coordinator)
    _count_mentor_loads()
    _goals(run, mentored)
    cohort = Cohort(
        programs=terms, mentored=mentored, mentor_users=staff.mentors, mentor_of=mentor_of
    )
    run.out.copy(Session, SESSION_COLUMNS, _sessions(run, sessions, cohort))
    return cohort


def _programs(
    run: SeedRun, count: int, register: Register, coordinators: list[int]
) -> dict[int, Term]:
    """Programs of each kind, each under an agreement and with a partner."""
    terms: dict[int, Term] = {}

    def rows() -> Iterator[tuple]:
        for pk in range(1, count + 1):
            start, end, status = _program_term(run, pk)
            online = pk % 4 == 0
            terms[pk] = (start, end, status)
            yield (
                str(pk),
                f"{PROGRAM_WORD[pk % 3]} Kader {run.rng.choice(ORG_WORD)} {pk}",
                PROGRAM_KINDS[pk % 3],
                status,
                str(coordinators[pk % len(coordinators)]),
                start.isoformat(),
                end.isoformat(),
                "10000",
                "t" if online else "f",
                "" if online else f"Balai Desa {run.rng.choice(ORG_WORD)}",
            )

    run.out.copy(Program, PROGRAM_COLUMNS, rows())
    agreements = len(register.agreements)
    run.out.copy_table(
        Program.agreements.through._meta.db_table,
        ("program_id", "agreement_id"),
        ((str(pk), str((pk - 1) % agreements + 1)) for pk in range(1, count + 1)),
    )
    run.out.copy_table(
        Program.partners.through._meta.db_table,
        ("program_id", "partner_id"),
        ((str(pk), str((pk - 1) % register.partners + 1)) for pk in range(1, count + 1)),
    )
    return terms


def _program_term(run: SeedRun, pk: int) -> Term:
    rng, today = run.rng, run.today
    start = today - dt.timedelta(days=rng.randrange(0, 760))
    end = start + dt.timedelta(days=rng.choice((90, 180, 365, 730)))
    status = "running" if end >= today else "completed"
    if pk % 17 == 0:
        status = "cancelled"
    if pk % 13 == 0:
        status, start = "open", today + dt.timedelta(days=rng.randrange(5, 60))
        end = start + dt.timedelta(days=180)
    return start, end, status


def _mentor_profiles(run: SeedRun, users: list[int], partners: int, regions: Regions) -> None:
    rng = run.rng
    run.out.copy(
        MentorProfile,
        ("id", "user_id", "partner_id", "province_id", "expertise", "mentee_capacity", "is_active"),
        (
            (
                str(n),
                str(user),
                str(rng.randrange(1, partners + 1)),
                str(regions[rng.randrange(len(regions))][1]),
                ", ".join(rng.sample(TOPICS, 2)),
                "50",
                "t",
            )
            for n, user in enumerate(users, 1)
        ),
    )


def _cadres(run: SeedRun, count: int, partners: int, regions: Regions) -> Iterator[tuple]:
    rng = run.rng
    for pk in range(1, count + 1):
        region, province = regions[rng.randrange(len(regions))]
        home = str(rng.randrange(1, partners + 1)) if pk % 3 == 0 else r"\N"
        yield (
            str(pk),
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            f"kader{pk}@example.id" if pk % 5 else "",
            f"+62812{pk:08d}" if pk % 2 else "",
            str(province),
            str(region),
            rng.choice(EDUCATIONS),
            "Kader Posyandu",
            home,
            "" if pk % 3 == 0 else f"Posyandu {rng.choice(ORG_WORD)}",
            STAGES[pk % len(STAGES)],
        )


def _backgrounds(run: SeedRun, cadres: int, coordinator: str) -> None:
    """Three cadres in five consented to give their background; the coordinator recorded it."""
    rng = run.rng
    run.out.copy(
        CadreBackground,
        (
            "id",
            "cadre_id",
            "gender",
            "age_band",
            "area",
            "consent_given_on",
            "consent_recorded_by_id",
        ),
        (
            (
                str(pk),
                str(pk),
                rng.choices(("female", "male", "undisclosed"), (80, 17, 3))[0],
                rng.choice(CadreBackground.AgeBand.values),
                rng.choice(("rural", "urban")),
                run.day[rng.randrange(700)],
                coordinator,
            )
            for pk in range(1, cadres + 1)
            if pk % 5 < 3
        ),
    )


def _enrolments(
    run: SeedRun, cadres: int, programs: dict[int, Term], mentored: list[Pair]
) -> Iterator[tuple]:
    """One enrolment per cadre (same pk); the active and completed ones go into `mentored`."""
    for pk in range(1, cadres + 1):
        program = run.rng.randrange(1, len(programs) + 1)
        p_start, _end, p_status = programs[program]
        status, outcome = _enrolment_state(run, p_status)
        enrolled = min(p_start, run.today)
        if status in ("active", "completed"):
            mentored.append((pk, status, (run.today - enrolled).days))
        yield (str(pk), str(program), str(pk), status, enrolled.isoformat(), outcome)


def _enrolment_state(run: SeedRun, program_status: str) -> tuple[str, str]:
    """An enrolment's status and outcome that agree with its program's status."""
    rng = run.rng
    if program_status == "open":
        return "applied", ""
    if program_status == "completed":
        status = rng.choices(("completed", "withdrawn"), (90, 10))[0]
        if status == "completed":
            return status, rng.choice(("certified", "completed", "partial"))
        return status, "not_completed"
    if program_status == "cancelled":
        return "withdrawn", ""
    return rng.choices(("active", "applied", "withdrawn"), (88, 8, 4))[0], ""


def _mentorships(
    run: SeedRun, mentored: list[Pair], mentors: int, coordinator: str
) -> dict[int, int]:
    """One mentorship per pair, mentors taking consecutive pairs; returns pair → mentor."""
    mentor_of: dict[int, int] = {}
    per_mentor = max(1, len(mentored) // mentors + 1)

    def rows() -> Iterator[tuple]:
        for n, (pk, enrolment_status, ago) in enumerate(mentored):
            profile = n // per_mentor + 1
            mentor_of[pk] = profile
            active = enrolment_status == "active"
            ended = r"\N" if active else run.day[run.rng.randrange(0, max(1, ago))]
            yield (
                str(pk),
                str(profile),
                str(pk),
                "active" if active else "ended",
                run.day[ago],
                ended,
                coordinator,
            )

    run.out.copy(
        Mentorship,
        ("id", "mentor_id", "enrolment_id", "status", "started_on", "ended_on", "created_by_id"),
        rows(),
    )
    return mentor_of


def _count_mentor_loads() -> None:
    """What the triggers of programs/mentor_load.py and programs/expertise_words.py keep:
    each mentor's active pairs and expertise words. The scale seed loads with the row
    triggers off, so the COPYs kept nothing; one statement each does it for all."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_mentorprofile mp SET active_mentees_count = x.n FROM ("
            "SELECT mentor_id, count(*) AS n FROM programs_mentorship "
            "WHERE status = 'active' GROUP BY mentor_id) x WHERE x.mentor_id = mp.id"
        )
        for statement in expertise_words.FILL:
            cursor.execute(statement)


def _goals(run: SeedRun, mentored: list[Pair]) -> None:
    rng = run.rng
    run.out.copy(
        DevelopmentGoal,
        ("id", "mentorship_id", "title", "target_date", "progress"),
        (
            (
                str(pk),
                str(pk),
                f"Mampu memimpin {rng.choice(TOPICS)}",
                run.day[rng.randrange(0, 200)],
                str(rng.choice((0, 20, 50, 80, 100))),
            )
            for pk, _s, _a in mentored
            if pk % 2
        ),
    )


def _sessions(run: SeedRun, count: int, cohort: Cohort) -> Iterator[tuple]:
    """About `count` sessions spread evenly over the pairs, within two years of today."""
    rng, day = run.rng, run.day  # locals: this loop runs twelve million times at national
    pk, per_pair = 0, count / max(1, len(cohort.mentored))
    carry = 0.0
    for mentorship, _status, ago in cohort.mentored:
        carry += per_pair
        sessions, carry = int(carry), carry - int(carry)
        logger = str(cohort.mentor_user(mentorship))
        span = min(ago, 730)
        for _ in range(sessions):
            pk += 1
            when = day[rng.randrange(0, span + 1)]
            attendance = "attended" if rng.random() < 0.9 else rng.choice(("no_show", "cancelled"))
            yield (
                str(pk),
                str(mentorship),
                when,
                str(rng.choice((30, 45, 60, 60, 90, 120))),
                rng.choice(SESSION_MODES),
                attendance,
                rng.choice(TOPICS),
                logger,
                when + " 10:00:00+07",
            )
