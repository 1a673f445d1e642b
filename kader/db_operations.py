"""Migration operations for indexes on the big tables that also run on SQLite.

PostgreSQL builds them with CREATE INDEX CONCURRENTLY, so a live table keeps taking writes
while millions of rows are indexed (the migration must be `atomic = False`); SQLite, the
fresh clone's database, gets a plain CREATE INDEX.
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
