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
    dependencies = [("programs", "0006_pending_import")]

    operations = [
        fit_rows(
            "programs",
            "Program",
            texts=dict.fromkeys(["objectives", "description"], TEXT),
            dates={"start_date": (EARLIEST, LATEST), "end_date": (EARLIEST, LATEST)},
            after={"end_date": "start_date"},
        ),
        fit_rows("programs", "Cadre", texts={"development_focus": 1000, "notes": TEXT}),
        fit_rows("programs", "BackgroundField", texts={"choices": 2000}),
        fit_rows("programs", "CadreBackground", dates={"consent_given_on": (EARLIEST, None)}),
        fit_rows(
            "programs",
            "Enrolment",
            texts={"outcome_notes": TEXT},
            dates={"enrolled_on": (EARLIEST, None)},
        ),
        fit_rows("programs", "MentorProfile", texts={"bio": 2000}),
        fit_rows(
            "programs",
            "Mentorship",
            dates={"started_on": (EARLIEST, None)},
            after={"ended_on": "started_on"},
        ),
        fit_rows(
            "programs",
            "DevelopmentGoal",
            texts={"description": TEXT},
            dates={"target_date": (EARLIEST, LATEST)},
        ),
        fit_rows(
            "programs",
            "Session",
            texts=dict.fromkeys(["notes", "next_steps"], TEXT),
            dates={"date": (EARLIEST, None)},
        ),
    ]
