"""The database triggers that keep a mentor's count of active pairs on the profile.

`MentorProfile.active_mentees_count` is what the pairing page ranks 60,000 mentors by and
what the mentor list shows; counted per mentor at each request it was one index probe per
mentor (docs/performance.md). A migration operation, `KeepMentorLoad`, installs:

- on `programs_mentorprofile`, a trigger that sets the count to a fresh COUNT of the
  mentor's active pairs on every insert and update of the profile, so a stale value saved
  by a form or the admin never sticks;
- on `programs_mentorship`, triggers that touch the profile of the old and the new mentor
  whenever a pair is inserted active, deleted while active, or changes status or mentor
  (a form, `.update()` over many pairs, an import, the admin), which recounts it.

The profiles already there are counted in chunks of ids, each its own statement (the
migration must be `atomic = False`), as jurisdictions/placing.py places rows. Written for
PostgreSQL (the deployment) and SQLite (`make run` without DATABASE_URL).
"""

# ruff: noqa: S608  (the SQL is this module's own constants: no input reaches it)
from __future__ import annotations

from core.db_operations import DatabaseOnly, update_in_chunks

CHUNK = 20_000
PROFILES = "programs_mentorprofile"
PAIRS = "programs_mentorship"
COLUMN = "active_mentees_count"
COUNT = f"(SELECT count(*) FROM {PAIRS} WHERE mentor_id = {{id}} AND status = 'active')"


class KeepMentorLoad(DatabaseOnly):
    def describe(self) -> str:
        return f"Keep {PROFILES}.{COLUMN} equal to the mentor's active pairs"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        for statement in globals()[f"_{vendor}_create"]():
            schema_editor.execute(statement, params=None)
        _count_existing(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        for statement in globals()[f"_{vendor}_drop"]():
            schema_editor.execute(statement, params=None)


def _count_existing(schema_editor) -> None:
    # Any update of the profile recounts it (the trigger just made).
    update_in_chunks(schema_editor, PROFILES, f"{COLUMN} = {COLUMN}", CHUNK)
    vacuum(schema_editor, PROFILES)


def vacuum(schema_editor, table: str) -> None:
    """Every row was just rewritten: half the table is dead rows until autovacuum comes
    by (the pairing's ranking read 60,000 profiles in 146 ms before, 54 ms after, at the
    national tier). PostgreSQL, outside a transaction only."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- PostgreSQL -------------------------------------------------------------------------

# Which changes of a pair move a count: (trigger, event, condition).
_PAIR_EVENTS = [
    ("insert", "INSERT", "NEW.status = 'active'"),
    (
        "update",
        "UPDATE OF status, mentor_id",
        "OLD.status IS DISTINCT FROM NEW.status OR OLD.mentor_id IS DISTINCT FROM NEW.mentor_id",
    ),
    ("delete", "DELETE", "OLD.status = 'active'"),
]


def _postgresql_create() -> list[str]:
    touch = f"UPDATE {PROFILES} SET {COLUMN} = {COLUMN} WHERE id = %s;"
    statements = [
        f"""CREATE OR REPLACE FUNCTION mentor_load() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.{COLUMN} := {COUNT.format(id="NEW.id")};
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER mentor_load BEFORE INSERT OR UPDATE ON {PROFILES}
        FOR EACH ROW EXECUTE FUNCTION mentor_load()""",
        f"""CREATE OR REPLACE FUNCTION mentor_load_follow() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {touch % "OLD.mentor_id"}
            END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.mentor_id <> OLD.mentor_id) THEN
                {touch % "NEW.mentor_id"}
            END IF;
            RETURN NULL;
        END $$""",
    ]
    for name, event, condition in _PAIR_EVENTS:
        statements.append(
            f"""CREATE TRIGGER mentor_load_follow_{name} AFTER {event} ON {PAIRS}
            FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION mentor_load_follow()"""
        )
    return statements


def _postgresql_drop() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS mentor_load_follow_{n} ON {PAIRS}" for n, *_ in _PAIR_EVENTS),
        "DROP FUNCTION IF EXISTS mentor_load_follow()",
        f"DROP TRIGGER IF EXISTS mentor_load ON {PROFILES}",
        "DROP FUNCTION IF EXISTS mentor_load()",
    ]


# --- SQLite: no BEFORE trigger may change NEW; the row is corrected just after ---------


def _sqlite_create() -> list[str]:
    fresh = COUNT.format(id="NEW.id")
    recount = f"UPDATE {PROFILES} SET {COLUMN} = {fresh} WHERE id = NEW.id;"
    statements = [
        f"""CREATE TRIGGER mentor_load_{event.lower()} AFTER {event} ON {PROFILES}
        WHEN NEW.{COLUMN} IS NOT {fresh} BEGIN {recount} END"""
        for event in ("INSERT", "UPDATE")
    ]
    of_profile = COUNT.format(id=f"{PROFILES}.id")
    for name, event, condition in _PAIR_EVENTS:
        mentors = {"insert": "NEW.mentor_id", "delete": "OLD.mentor_id"}.get(
            name, "OLD.mentor_id, NEW.mentor_id"
        )
        statements.append(
            f"""CREATE TRIGGER mentor_load_follow_{name} AFTER {event} ON {PAIRS}
            WHEN {condition.replace("IS DISTINCT FROM", "IS NOT")} BEGIN
            UPDATE {PROFILES} SET {COLUMN} = {of_profile} WHERE id IN ({mentors});
            END"""
        )
    return statements


def _sqlite_drop() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS mentor_load_follow_{name}" for name, *_ in _PAIR_EVENTS),
        "DROP TRIGGER IF EXISTS mentor_load_insert",
        "DROP TRIGGER IF EXISTS mentor_load_update",
    ]
