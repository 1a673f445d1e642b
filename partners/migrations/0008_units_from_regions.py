"""Existing partners go to the unit of their regency/city (else province); an agreement to
the unit all its parties share, else it stays national and also covers each party's unit."""

from django.db import migrations

from partners.regions import assign_units, assign_units_through, cover_party_units


def forwards(apps, schema_editor):
    assign_units(schema_editor, "partners_partner", "province_id", "region_id")
    assign_units_through(
        schema_editor,
        "partners_agreement",
        "partners_agreementparty",
        "agreement_id",
        "partner_id",
        "partners_partner",
    )
    cover_party_units(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_agreement_also_covers_agreement_organisation_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
