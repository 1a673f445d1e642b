"""Existing partners go to the unit of their regency/city (else province); an agreement to
the unit all its parties share, else it stays national and also covers each party's unit."""

from django.db import migrations

from partners.regions import assign_units, assign_units_through


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
    schema_editor.execute(
        """INSERT INTO partners_agreement_also_covers (agreement_id, unit_id)
           SELECT DISTINCT ap.agreement_id, p.unit_id
           FROM partners_agreementparty ap
           JOIN partners_partner p ON p.id = ap.partner_id
           JOIN partners_agreement a ON a.id = ap.agreement_id
           WHERE p.unit_id <> a.unit_id"""
    )


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_agreement_also_covers_agreement_organisation_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
