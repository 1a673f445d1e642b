# The cadre directory sorted by province: one index walk instead of a join and a sort over
# every cadre (issue 7). Built concurrently on PostgreSQL: the table stays writable.

from django.db import migrations, models

from core.db_operations import AddIndexOnline, PostgresOnlySQL


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY on PostgreSQL

    dependencies = [
        ("programs", "0004_merge"),
    ]

    operations = [
        AddIndexOnline(
            model_name="cadre",
            index=models.Index(fields=["province", "full_name", "id"], name="cadre_province_idx"),
        ),
        # Descending, with cadres without a province still last (NULLS LAST): the ascending
        # index read backwards would put them first. PostgreSQL only, and not in the model's
        # Meta: SQLite cannot write NULLS LAST in an index.
        PostgresOnlySQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS cadre_province_desc_idx ON programs_cadre "
            "(province_id DESC NULLS LAST, full_name DESC, id DESC)",
            "DROP INDEX CONCURRENTLY IF EXISTS cadre_province_desc_idx",
        ),
    ]
