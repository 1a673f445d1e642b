# The cadre directory sorted by province: one index walk instead of a join and a sort over
# every cadre (issue 7). Built concurrently on PostgreSQL: the table stays writable.

from django.db import migrations, models
from django.db.models import F

from kader.db_operations import AddIndexOnline


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
        AddIndexOnline(
            model_name="cadre",
            index=models.Index(
                F("province").desc(nulls_last=True),
                F("full_name").desc(),
                F("id").desc(),
                name="cadre_province_desc_idx",
            ),
        ),
    ]
