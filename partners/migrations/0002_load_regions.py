"""Indonesia's 38 provinces and 514 regencies/cities from partners/data/regions.csv.

The CSV is generated from the npm package idn-area-data 4.0.1 (see partners/data/README.md).
Reading the committed file (not node_modules) keeps `migrate` working without Node.
"""

import csv
from pathlib import Path

from django.db import migrations

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def load(apps, schema_editor):
    Province = apps.get_model("partners", "Province")
    Region = apps.get_model("partners", "Region")
    with REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    provinces = Province.objects.bulk_create(
        Province(code=r["code"], name=r["name"]) for r in rows if "." not in r["code"]
    )
    by_code = {p.code: p for p in provinces}
    Region.objects.bulk_create(
        Region(
            province=by_code[r["code"].split(".")[0]],
            code=r["code"],
            name=r["name"],
            kind="city" if r["name"].startswith("Kota ") else "regency",
        )
        for r in rows
        if "." in r["code"]
    )


def unload(apps, schema_editor):
    apps.get_model("partners", "Region").objects.all().delete()
    apps.get_model("partners", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
