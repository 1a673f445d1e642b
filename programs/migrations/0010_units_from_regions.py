"""Existing cadres and mentors go to the unit of their regency/city (else province); a
program to the unit all its agreements share, else it stays national."""

from django.db import migrations

from partners.regions import assign_units, assign_units_through


def forwards(apps, schema_editor):
    assign_units(schema_editor, "programs_cadre", "province_id", "city_id")
    assign_units(schema_editor, "programs_mentorprofile", "province_id")
    assign_units_through(
        schema_editor,
        "programs_program",
        "programs_program_agreements",
        "program_id",
        "agreement_id",
        "partners_agreement",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_cadre_organisation_cadre_unit_and_more"),
        ("partners", "0008_units_from_regions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
