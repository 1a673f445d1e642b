"""The pairs' mid-point and final evaluations, planned set-based on PostgreSQL.

`_mentorship_changes` (evaluations/services.py) and `planning.span_periods` are the rule; this
is the same rule as two statements per range of pairs, for the daily planning over every
pair (930,000 at national scale). Loading each pair and its evaluations into Python, comparing
and writing the changes back cost about a millisecond per change: a first run over the seeded
nation (430,000 evaluations to create, 200,000 to move) took ten minutes. Here PostgreSQL
computes, inserts and moves them with their history rows in the same statement
(`INSERT … RETURNING` feeding the history's `INSERT`), so no row passes through Python.

What it writes is what the Python path writes, history included ("+" or "~", the planning's
reason, no user: the system planned); `evaluations/tests/test_planning_sql.py` holds the two
to the same rows. SQLite (laptops) keeps the Python path.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from core.limits import LATEST_DATE
from evaluations import planning
from evaluations.models import Evaluation

# Each pair's wanted periods (`span_periods`), for the active pairs with ids in (lo, hi].
# d.s and d.e are `_mentorship_changes`'s start and end; a pair with e <= s has no plan.
WANTED = """
    pairs AS (
        SELECT m.id, mp.user_id AS evaluator, d.s, d.e, d.s + (d.e - d.s) / 2 AS mid
        FROM programs_mentorship m
        JOIN programs_mentorprofile mp ON mp.id = m.mentor_id
        JOIN programs_enrolment en ON en.id = m.enrolment_id
        JOIN programs_program p ON p.id = en.program_id
        CROSS JOIN LATERAL (
            SELECT GREATEST(m.started_on, p.start_date) AS s,
                COALESCE(m.ended_on, p.end_date) AS e
        ) d
        WHERE m.status = 'active' AND m.id > %(lo)s AND m.id <= %(hi)s AND d.e > d.s
    ),
    wanted AS (
        SELECT id, evaluator, %(midpoint)s AS kind, s AS period_start, mid AS period_end,
            GREATEST(LEAST(mid + %(mid_days)s, %(latest)s::date), mid) AS due_date
        FROM pairs
        UNION ALL
        SELECT id, evaluator, %(final)s, s, e,
            GREATEST(LEAST(e + %(final_days)s, %(latest)s::date), e)
        FROM pairs
    )
"""

HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def _columns() -> tuple[list[str], list[str]]:
    """The evaluation's columns, and those of them its history keeps."""
    columns = [f.column for f in Evaluation._meta.concrete_fields if not f.primary_key]
    history = Evaluation.history.model._meta.concrete_fields
    kept = [f.column for f in history if f.attname not in HISTORY_FIELDS]
    return columns, kept


def _new_row_defaults(now: dt.datetime) -> dict[str, object]:
    """What a new planned evaluation holds in the columns the plan does not set, as Django
    would save it (field defaults, `auto_now` stamps): read off an unsaved instance."""
    template = Evaluation(planned=True)
    values = {}
    for field in Evaluation._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = getattr(template, field.attname)
        values[field.column] = field.get_db_prep_save(value, connection)
    return values


# The columns the plan sets for a new row, from `wanted` (aliased w).
FROM_PLAN = {
    "kind": "w.kind",
    "period_start": "w.period_start",
    "period_end": "w.period_end",
    "due_date": "w.due_date",
    "evaluator_id": "w.evaluator",
    "mentorship_id": "w.id",
    "agreement_id": "NULL",
    "program_id": "NULL",
    # Set by the placing trigger (jurisdictions/placing.py) from the pair's cadre.
    "organisation_id": "NULL",
    "unit_id": "NULL",
}


def _plan_sql(now: dt.datetime) -> tuple[str, dict]:
    """One statement: the wanted periods once, the moves and the new rows from them, each
    with its history rows; it answers (created, moved)."""
    columns, kept = _columns()
    defaults = _new_row_defaults(now)
    params: dict[str, object] = {}
    values = []
    for column in columns:
        if column in FROM_PLAN:
            values.append(FROM_PLAN[column])
        else:
            params[f"d_{column}"] = defaults[column]
            values.append(f"%(d_{column})s")
    table, history = Evaluation._meta.db_table, Evaluation.history.model._meta.db_table
    history_columns = f"{', '.join(kept)}, history_date, history_change_reason, history_type"
    sql = f"""
        WITH {WANTED},
        moved AS (
            UPDATE {table} x SET period_start = w.period_start, period_end = w.period_end,
                due_date = w.due_date, evaluator_id = w.evaluator
            FROM wanted w
            WHERE x.mentorship_id = w.id AND x.kind = w.kind
                -- The range again, for the planner: the chunk's evaluations by the pair
                -- index, not a hash of every planned evaluation in the country.
                AND x.mentorship_id > %(lo)s AND x.mentorship_id <= %(hi)s
                AND x.planned AND x.status = %(scheduled)s
                AND (x.period_start, x.period_end, x.due_date)
                    IS DISTINCT FROM (w.period_start, w.period_end, w.due_date)
            RETURNING {", ".join(f"x.{column}" for column in kept)}
        ),
        made AS (
            INSERT INTO {table} ({", ".join(columns)})
            SELECT {", ".join(values)} FROM wanted w
            WHERE NOT EXISTS (
                SELECT 1 FROM {table} x WHERE x.mentorship_id = w.id AND x.kind = w.kind
            )
            -- Another planner (a coordinator's save) made it meanwhile: leave theirs.
            ON CONFLICT DO NOTHING
            RETURNING {", ".join(kept)}
        ),
        moved_history AS (
            INSERT INTO {history} ({history_columns})
            SELECT {", ".join(kept)}, %(now)s, %(reason)s, '~' FROM moved
            RETURNING 1
        ),
        made_history AS (
            INSERT INTO {history} ({history_columns})
            SELECT {", ".join(kept)}, %(now)s, %(reason)s, '+' FROM made
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM made_history), (SELECT count(*) FROM moved_history)
    """  # noqa: S608 -- table and column names from the models; every value is a parameter
    return sql, params


def plan_pairs(lo: int, hi: int) -> tuple[int, int]:
    """Plan the active pairs with ids in (lo, hi], in one transaction: (created, moved).

    The history rows have no user: the system planned (as `planning.apply` records the
    daily run outside a request)."""
    now = timezone.now()
    sql, defaults = _plan_sql(now)
    params = {
        "lo": lo,
        "hi": hi,
        "midpoint": Evaluation.Kind.MIDPOINT.value,
        "final": Evaluation.Kind.FINAL.value,
        "mid_days": planning.MIDPOINT_DUE_AFTER.days,
        "final_days": planning.DUE_AFTER_PERIOD.days,
        "latest": LATEST_DATE,
        "scheduled": Evaluation.Status.SCHEDULED.value,
        "now": now,
        "reason": planning.PLANNED,
        **defaults,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        created, moved = cursor.fetchone()
    return created, moved


def next_bound(after: int, size: int) -> int | None:
    """The id that ends the range of `size` active pairs after `after`, or None when none
    is left (a keyset walk of the active pairs' ids, whatever gaps they have)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT max(id) FROM (
                SELECT id FROM programs_mentorship WHERE status = 'active' AND id > %s
                ORDER BY id LIMIT %s
            ) ids""",
            [after, size],
        )
        return cursor.fetchone()[0]
