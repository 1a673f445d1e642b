"""The (mentorship, date) index on sessions, built without locking 12 million rows.

PostgreSQL builds it CONCURRENTLY (outside a transaction, writes go on meanwhile); other
databases (SQLite in tests) get a plain CREATE INDEX.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("programs", "0002_scale_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="session",
            index=models.Index(fields=["mentorship", "date"], name="session_mentorship_date_idx"),
        ),
    ]
