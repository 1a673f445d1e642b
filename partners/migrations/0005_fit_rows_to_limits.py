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
    dependencies = [("partners", "0004_agreement_sort_indexes")]

    operations = [
        fit_rows(
            "partners",
            "Partner",
            texts=dict.fromkeys(
                ["address", "description", "strengths_notes", "goals", "values"], TEXT
            ),
        ),
        fit_rows("partners", "Contact", texts={"notes": TEXT}),
        fit_rows(
            "partners",
            "Agreement",
            texts=dict.fromkeys(
                [
                    "objectives_short_term",
                    "objectives_long_term",
                    "lead_responsibilities",
                    "termination_reason",
                ],
                TEXT,
            ),
            dates={"start_date": (EARLIEST, LATEST), "end_date": (EARLIEST, LATEST)},
            after={"end_date": "start_date"},
        ),
        fit_rows("partners", "AgreementParty", texts={"responsibilities": TEXT}),
        fit_rows(
            "partners",
            "CommunicationLog",
            texts=dict.fromkeys(["summary", "follow_up", "challenge", "resolution"], TEXT),
            dates={"date": (EARLIEST, LATEST), "follow_up_due": (EARLIEST, LATEST)},
            after={"follow_up_due": "date"},
        ),
    ]
