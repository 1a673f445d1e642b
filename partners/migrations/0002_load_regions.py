"""Indonesia's 38 provinces and 514 regencies/cities from jurisdictions/data/regions.csv.

The CSV is generated from the npm package idn-area-data 4.0.1 (see jurisdictions/data/README.md).
Reading the committed file (not node_modules) keeps `migrate` working without Node.
"""

from django.db import migrations

from partners.regions import load_regions


def load(apps, schema_editor):
    load_regions(apps)


def unload(apps, schema_editor):
    apps.get_model("partners", "Region").objects.all().delete()
    apps.get_model("partners", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
