"""Existing rows are made to hold the limits the next migration enforces (docs/data-rules.md):
over-long texts are cut, impossible dates moved to the nearest bound, ends before starts
set to the start. Typical data (the demo, real use) has none of them: nothing changes."""

import datetime

from django.db import migrations

from core.db_operations import fit_rows

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
TEXT = 5000


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0006_lapsed_agreements_schedule")]

    operations = [
        fit_rows(
            "evaluations",
            "Evaluation",
            texts=dict.fromkeys(["findings", "review_comment"], TEXT),
            dates={
                "period_start": (EARLIEST, LATEST),
                "period_end": (EARLIEST, LATEST),
                "due_date": (EARLIEST, LATEST),
            },
            after={"period_end": "period_start", "due_date": "period_start"},
        ),
        fit_rows("evaluations", "ActionItem", dates={"due_date": (EARLIEST, LATEST)}),
    ]
