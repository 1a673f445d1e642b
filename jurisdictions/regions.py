"""The office tree built from Indonesia's administrative codes (data/regions.csv).

National (code `ID`) → province (`32`) → regency or city (`32.73`): the same file the
partners app loads its provinces and regencies from, so a region's office is the unit with
the region's code.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.apps import apps as django_apps

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"
NATIONAL_CODE = "ID"
DEFAULT_ORGANISATION = "Kader"


def load_units(apps=django_apps) -> None:  # apps: the real registry or a migration's
    """Create the national unit, one per province and one per regency/city, unless there."""
    Unit = apps.get_model("jurisdictions", "Unit")
    if Unit.objects.exists():
        return
    with REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    national = Unit.objects.create(code=NATIONAL_CODE, name="Indonesia", level=1, path="/")
    provinces = {
        p.code: p
        for p in Unit.objects.bulk_create(
            Unit(code=r["code"], name=r["name"], level=2, parent=national, path=f"/{r['code']}/")
            for r in rows
            if "." not in r["code"]
        )
    }
    Unit.objects.bulk_create(
        Unit(
            code=r["code"],
            name=r["name"],
            level=3,
            parent=provinces[r["code"].split(".")[0]],
            path=f"/{r['code'].split('.')[0]}/{r['code']}/",
        )
        for r in rows
        if "." in r["code"]
    )


def ensure_default_organisation(apps=django_apps):
    Organisation = apps.get_model("jurisdictions", "Organisation")
    return Organisation.objects.get_or_create(
        is_default=True, defaults={"name": DEFAULT_ORGANISATION, "kind": "other"}
    )[0]


def ensure_loaded() -> None:
    """For tests whose flush removed what the data migrations put in."""
    load_units()
    ensure_default_organisation()
