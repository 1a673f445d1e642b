"""A national-scale data set, loaded through PostgreSQL COPY (`manage.py seed_scale`).

Believable and internally consistent: every cadre lives in a real regency of its province,
every mentorship joins an enrolment and a mentor, sessions fall between the pairing and
today, evaluations have exactly one subject and a status consistent with their dates.
Ids are assigned here (so rows can point at each other without reading back), then the
sequences are moved past them. Simple-history tables stay empty for seeded rows: the
history starts with the first change made through the app.

Each app seeds its own tables in its `seeding.py` (accounts, partners, programs,
evaluations; the dashboard only names the tables to empty); this module holds the tiers and
calls them bottom layer first, handing each what it needs of the layers below. Everything is
drawn from one `random.Random(seed)` in that fixed order: the same tier and seed give the
same rows, whatever the day (dates are relative to "today").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

from accounts import seeding as accounts
from core.seeding import SeedRun
from dashboard import seeding as dashboard
from evaluations import seeding as evaluations
from jurisdictions import seeding as jurisdictions
from jurisdictions.models import Membership
from partners import seeding as partners
from partners.regions import assign_units, assign_units_through, cover_party_units
from programs import seeding as programs

PASSWORD = "kader-scale"  # noqa: S105 published on purpose: these are benchmark users, never real ones


@dataclass(frozen=True)
class Tier:
    partners: int
    mentors: int
    cadres: int
    programs: int
    sessions: int
    evaluations: int  # about; mentorship, program and agreement evaluations together


TIERS = {
    "tiny": Tier(partners=40, mentors=20, cadres=300, programs=9, sessions=1_500, evaluations=250),
    "district": Tier(
        partners=200, mentors=500, cadres=10_000, programs=60, sessions=100_000, evaluations=8_500
    ),
    "province": Tier(
        partners=2_000,
        mentors=5_000,
        cadres=100_000,
        programs=400,
        sessions=1_000_000,
        evaluations=85_000,
    ),
    "national": Tier(
        partners=20_000,
        mentors=60_000,
        cadres=1_200_000,
        programs=3_000,
        sessions=12_000_000,
        evaluations=1_000_000,
    ),
}


def domain_models() -> list[type[Model]]:
    return [
        *partners.domain_models(),
        *programs.domain_models(),
        *evaluations.domain_models(),
        *dashboard.domain_models(),
    ]


def is_empty() -> bool:
    return not any(m.objects.exists() for m in domain_models())


def wipe() -> None:
    """Empty every domain table and all users (reference provinces and regions stay)."""
    domain = domain_models()
    tables = [m._meta.db_table for m in domain]
    tables += [m.history.model._meta.db_table for m in domain if hasattr(m, "history")]
    tables += [
        field.remote_field.through._meta.db_table
        for m in domain
        for field in m._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    tables.append(get_user_model()._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending checks
        cursor.execute(f"TRUNCATE {quoted} CASCADE")


def seed(tier: str | Tier, seed: int = 1, say: Callable[[str], None] = print) -> dict[str, int]:
    """Load one tier into an empty database; returns rows per table."""
    size = TIERS[tier] if isinstance(tier, str) else tier
    run = SeedRun.start(seed, say)
    started = time.perf_counter()
    _row_triggers(enabled=False)
    try:
        regions = partners.regions()  # before anything is written: none means no migrations yet
        staff = accounts.seed(run, mentors=size.mentors, password=PASSWORD)
        register = partners.seed(
            run, partners=size.partners, regions=regions, coordinators=staff.coordinators
        )
        cohort = programs.seed(
            run,
            programs=size.programs,
            cadres=size.cadres,
            sessions=size.sessions,
            regions=regions,
            register=register,
            staff=staff,
        )
        evaluations.seed(
            run,
            evaluations=size.evaluations,
            register=register,
            cohort=cohort,
            coordinators=staff.coordinators,
        )
        offices = jurisdictions.seed(run, national=staff.coordinators, password=PASSWORD)
        _place(offices["organisation"])
        _place_sessions_and_evaluations()
    finally:
        _row_triggers(enabled=True)
    _settle([get_user_model(), *domain_models(), Membership])
    say(f"Seeded in {time.perf_counter() - started:.1f} s.")
    return run.out.counts


class _Statements:
    """What the data migrations' helpers call `schema_editor`: something that executes SQL."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor

    def execute(self, sql: str) -> None:
        self.cursor.execute(sql)


def _place(second_organisation: int) -> None:
    """Every record to the unit of its place, as the data migrations placed real ones
    (a partner or cadre by its regency/city, an agreement by the unit its parties share,
    else national covering theirs, a program by its agreements), and every
    SHARE_EVERY-th partner, agreement, program and cadre to the second organisation."""
    with connection.cursor() as cursor:
        # Every row rewritten once: minutes at the national tier, past a request's limit.
        cursor.execute("SET LOCAL statement_timeout = 0")
        statements = _Statements(cursor)
        assign_units(statements, "partners_partner", "province_id", "region_id")
        assign_units_through(
            statements,
            "partners_agreement",
            "partners_agreementparty",
            "agreement_id",
            "partner_id",
            "partners_partner",
        )
        cover_party_units(statements)
        assign_units(statements, "programs_cadre", "province_id", "city_id")
        assign_units(statements, "programs_mentorprofile", "province_id")
        assign_units_through(
            statements,
            "programs_program",
            "programs_program_agreements",
            "program_id",
            "agreement_id",
            "partners_agreement",
        )
        for table in (
            "partners_partner",
            "partners_agreement",
            "programs_program",
            "programs_cadre",
        ):
            cursor.execute(
                f"UPDATE {table} SET organisation_id = %s WHERE id %% %s = 0",  # noqa: S608
                [second_organisation, jurisdictions.SHARE_EVERY],
            )


def _row_triggers(*, enabled: bool) -> None:
    """Off while loading: the triggers that copy a subject's office onto its sessions and
    evaluations (jurisdictions/placing.py) would run once per row as they are copied in, and
    again for every session of every cadre `_place` moves (12 million sessions: 5 minutes
    more, then a row-by-row re-placing). `_place_sessions_and_evaluations` does it once, by
    joins. (Replica mode also skips the foreign-key checks of the rows the seeders wrote.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"SET session_replication_role = {'origin' if enabled else 'replica'}")


def _place_sessions_and_evaluations() -> None:
    """What the triggers would have set: each session's office is its cadre's; each
    evaluation's is its agreement's, program's or pair's cadre's; each reminder's its
    evaluation's, action item's evaluation's, agreement's or pair's cadre's."""
    pair_office = (
        "FROM programs_mentorship m JOIN programs_enrolment e ON e.id = m.enrolment_id "
        "JOIN programs_cadre c ON c.id = e.cadre_id"
    )
    placed = "SET organisation_id = x.organisation_id, unit_id = x.unit_id"
    statements = [
        f"UPDATE programs_session s {placed} FROM (SELECT m.id, c.organisation_id, c.unit_id "
        f"{pair_office}) x WHERE x.id = s.mentorship_id",
        f"UPDATE evaluations_evaluation v {placed} FROM partners_agreement x "
        "WHERE x.id = v.agreement_id",
        f"UPDATE evaluations_evaluation v {placed} FROM programs_program x "
        "WHERE x.id = v.program_id",
        f"UPDATE evaluations_evaluation v {placed} FROM (SELECT m.id, c.organisation_id, "
        f"c.unit_id {pair_office}) x WHERE x.id = v.mentorship_id",
        # Reminders after the evaluations they read.
        f"UPDATE evaluations_reminder r {placed} FROM evaluations_evaluation x "
        "WHERE x.id = r.evaluation_id",
        f"UPDATE evaluations_reminder r {placed} FROM (SELECT a.id, v.organisation_id, "  # noqa: S608
        "v.unit_id FROM evaluations_actionitem a JOIN evaluations_evaluation v "
        "ON v.id = a.evaluation_id) x WHERE x.id = r.action_item_id",
        f"UPDATE evaluations_reminder r {placed} FROM partners_agreement x "
        "WHERE x.id = r.agreement_id",
        f"UPDATE evaluations_reminder r {placed} FROM (SELECT m.id, c.organisation_id, "
        f"c.unit_id {pair_office}) x WHERE x.id = r.mentorship_id",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        for statement in statements:
            cursor.execute(statement)


def _settle(models: list[type[Model]]) -> None:
    """Move the sequences past the ids the seeders chose, and refresh the planner's statistics."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
