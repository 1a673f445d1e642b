"""The database triggers that keep a `Placed` row's office equal to its subject's.

A migration operation, `KeepPlace`, for the app that owns the placed table: a trigger sets
`organisation_id` and `unit_id` from `source` (a SELECT of those two columns that reads
the new row as NEW) on every insert and update of the row; a trigger on each subject table
re-places the rows that depend on it when the columns that place them change. The rows
already there are placed in chunks of ids, each its own statement (the migration must be
`atomic = False`), so a table of 12 million sessions is not one transaction.

Written for PostgreSQL (the deployment) and SQLite (`make run` without DATABASE_URL).
"""

# ruff: noqa: S608  (the SQL is the migrations' own constants: no input reaches it)
from __future__ import annotations

from dataclasses import dataclass

from core.db_operations import DatabaseOnly, update_in_chunks

CHUNK = 200_000


@dataclass(frozen=True)
class Follow:
    """When `columns` of a row of `subject` change, re-place the rows of the placed table
    whose ids `dependents` selects (it reads the subject's new row as NEW)."""

    subject: str
    columns: tuple[str, ...]
    dependents: str


class KeepPlace(DatabaseOnly):
    def __init__(self, *, name: str, table: str, source: str, follows: list[Follow]) -> None:
        self.name = name
        self.table = table
        self.source = source
        self.follows = follows

    def deconstruct(self):
        kwargs = {
            "name": self.name,
            "table": self.table,
            "source": self.source,
            "follows": self.follows,
        }
        return (self.__class__.__name__, [], kwargs)

    def describe(self) -> str:
        return f"Keep {self.table}'s organisation and unit equal to its subject's"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        for statement in getattr(self, f"_{vendor}_create")():
            schema_editor.execute(statement, params=None)
        self._place_existing(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        for statement in getattr(self, f"_{vendor}_drop")():
            schema_editor.execute(statement, params=None)

    # --- the rows already there ---------------------------------------------------------

    def _place_existing(self, schema_editor) -> None:
        # Any update of the row places it (the trigger just made).
        update_in_chunks(schema_editor, self.table, "unit_id = NULL", CHUNK)

    # --- PostgreSQL ---------------------------------------------------------------------

    def _follow_name(self, follow: Follow) -> str:
        return f"{self.name}_follow_{follow.subject}"

    def _postgresql_create(self) -> list[str]:
        statements = [
            f"""CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                SELECT p.organisation_id, p.unit_id INTO NEW.organisation_id, NEW.unit_id
                FROM ({self.source}) AS p LIMIT 1;
                RETURN NEW;
            END $$""",
            f"""CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE ON {self.table}
            FOR EACH ROW EXECUTE FUNCTION {self.name}()""",
        ]
        for follow in self.follows:
            name = self._follow_name(follow)
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in follow.columns)
            statements += [
                f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE {self.table} SET unit_id = NULL WHERE id IN ({follow.dependents});
                    RETURN NULL;
                END $$""",
                f"""CREATE TRIGGER {name} AFTER UPDATE OF {", ".join(follow.columns)}
                ON {follow.subject} FOR EACH ROW WHEN ({changed})
                EXECUTE FUNCTION {name}()""",
            ]
        return statements

    def _postgresql_drop(self) -> list[str]:
        statements = []
        for follow in self.follows:
            name = self._follow_name(follow)
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {follow.subject}",
                f"DROP FUNCTION IF EXISTS {name}()",
            ]
        return [
            *statements,
            f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
            f"DROP FUNCTION IF EXISTS {self.name}()",
        ]

    # --- SQLite: no BEFORE trigger may change NEW; the row is updated just after ---------

    def _sqlite_create(self) -> list[str]:
        place = (
            f"UPDATE {self.table} SET (organisation_id, unit_id) = (SELECT p.organisation_id, "
            f"p.unit_id FROM ({self.source}) AS p LIMIT 1) WHERE id = NEW.id;"
        )
        statements = [
            f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.table} BEGIN {place} END",
            f"CREATE TRIGGER {self.name}_update AFTER UPDATE ON {self.table} BEGIN {place} END",
        ]
        for follow in self.follows:
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in follow.columns)
            statements.append(
                f"""CREATE TRIGGER {self._follow_name(follow)} AFTER UPDATE OF
                {", ".join(follow.columns)} ON {follow.subject} WHEN {changed} BEGIN
                UPDATE {self.table} SET unit_id = NULL WHERE id IN ({follow.dependents});
                END"""
            )
        return statements

    def _sqlite_drop(self) -> list[str]:
        return [
            *(f"DROP TRIGGER IF EXISTS {self._follow_name(f)}" for f in self.follows),
            f"DROP TRIGGER IF EXISTS {self.name}_insert",
            f"DROP TRIGGER IF EXISTS {self.name}_update",
        ]
