"""Loading Indonesia's provinces and regencies/cities from partners/data/regions.csv.

Used by the data migration 0002 and by `ensure_loaded()`: tests that flush the database
(transactional browser tests) remove migration data, and put it back with this.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.apps import apps as django_apps

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


def load_regions(apps=django_apps) -> None:  # apps: the real registry or a migration's
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


def ensure_loaded() -> None:
    from .models import Province

    if not Province.objects.exists():
        load_regions()
