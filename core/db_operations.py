"""Migration operations for the big tables that also run on SQLite.

Indexes: PostgreSQL builds them with CREATE INDEX CONCURRENTLY, so a live table keeps taking
writes while millions of rows are indexed (the migration must be `atomic = False`); SQLite,
the fresh clone's database, gets a plain CREATE INDEX. Kept copies: `DatabaseOnly` is the
base of the operations that install triggers keeping a denormalised value
(jurisdictions/placing.py, programs/mentor_load.py, programs/expertise_words.py), and
`update_in_chunks` makes the triggers set it on the rows already there.
"""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class AddIndexOnline(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class PostgresOnlySQL(migrations.RunSQL):
    """Raw SQL for PostgreSQL only (a pg_trgm index); nothing at all on SQLite.

    A RunSQL, not a RunPython: the test suite replays every RunPython of our migrations
    after a flush (conftest.py), inside a transaction, where CONCURRENTLY cannot run.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def fit_rows(
    app_label: str,
    model_name: str,
    *,
    texts: dict[str, int] | None = None,
    dates: dict[str, tuple] | None = None,
    after: dict[str, str] | None = None,
) -> migrations.RunPython:
    """Make the rows already stored hold the CHECK constraints the next migration adds, so
    that `migrate` never stops on old data: texts cut to `texts[field]` characters, dates
    moved into `dates[field] = (earliest, latest)`, and an `end` before its `after[end]`
    set to it. One UPDATE per rule, touching only the rows that break it. The values are
    written into each migration (not read from core.limits), so an old migration keeps
    doing what it did when the limits change."""

    def forwards(apps, schema_editor) -> None:
        from django.db.models import F
        from django.db.models.functions import Left, Length
        from django.db.models.lookups import GreaterThan

        rows = apps.get_model(app_label, model_name)._base_manager
        for field, limit in (texts or {}).items():
            rows.filter(GreaterThan(Length(field), limit)).update(**{field: Left(field, limit)})
        for field, (earliest, latest) in (dates or {}).items():
            rows.filter(**{f"{field}__lt": earliest}).update(**{field: earliest})
            if latest is not None:
                rows.filter(**{f"{field}__gt": latest}).update(**{field: latest})
        for end, start in (after or {}).items():
            rows.filter(**{f"{end}__lt": F(start)}).update(**{end: F(start)})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


class CreateModelUnlessPresent(migrations.CreateModel):
    """CreateModel for a model that moved in from another app, keeping its table.

    A database migrated before the move already has the table (and its rows): only the
    state is created. A new database gets the table as usual.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.name)
        tables = schema_editor.connection.introspection.table_names()
        if model._meta.db_table not in tables:
            super().database_forwards(app_label, schema_editor, from_state, to_state)


class DatabaseOnly(migrations.operations.base.Operation):
    """A migration operation that changes the database only (functions, triggers and the
    values they keep), not the models' state. Subclasses write `database_forwards`,
    `database_backwards` and `describe`; one with arguments writes `deconstruct` too."""

    reduces_to_sql = True
    reversible = True

    def deconstruct(self):
        return (self.__class__.__name__, [], {})

    def state_forwards(self, app_label, state) -> None:
        pass


def update_in_chunks(schema_editor, table: str, assignment: str, chunk: int) -> None:
    """`UPDATE table SET assignment` over every row, `chunk` ids a statement (a migration
    that is `atomic = False` commits each), so that a row trigger keeps the rows already
    there without one transaction over millions of rows."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")  # noqa: S608 -- a model's table
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, chunk):
            cursor.execute(
                f"UPDATE {table} SET {assignment} WHERE id >= %s AND id < %s",  # noqa: S608
                [start, start + chunk],
            )
