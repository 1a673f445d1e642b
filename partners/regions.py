"""Loading Indonesia's provinces and regencies/cities from jurisdictions/data/regions.csv.

Used by the data migration 0002 and by `ensure_loaded()`: tests that flush the database
(transactional browser tests) remove migration data, and put it back with this.
"""

# ruff: noqa: S608  (SQL here is built from table and column names the migrations give)
from __future__ import annotations

import csv

from django.apps import apps as django_apps

from jurisdictions.regions import REGIONS_CSV


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


def assign_units(schema_editor, table: str, province: str, region: str | None = None) -> None:
    """Give each row of `table` the unit of its regency/city, else of its province (data
    migrations of issue 17); rows with neither keep the national unit they were given."""
    by_region = (
        f"(SELECT u.id FROM jurisdictions_unit u JOIN partners_region r ON r.code = u.code"
        f" WHERE r.id = {table}.{region})"
        if region
        else "NULL"
    )
    by_province = (
        f"(SELECT u.id FROM jurisdictions_unit u JOIN partners_province p ON p.code = u.code"
        f" WHERE p.id = {table}.{province})"
    )
    where = f"{table}.{province} IS NOT NULL" + (
        f" OR {table}.{region} IS NOT NULL" if region else ""
    )
    schema_editor.execute(
        f"UPDATE {table} SET unit_id = COALESCE({by_region}, {by_province}, unit_id) WHERE {where}"
    )


def cover_party_units(schema_editor) -> None:
    """An agreement covers the unit of each of its parties that is not its own (its
    coordinators see it: docs/jurisdictions.md, "Agreements that span units")."""
    schema_editor.execute(
        """INSERT INTO partners_agreement_also_covers (agreement_id, unit_id)
           SELECT DISTINCT ap.agreement_id, p.unit_id
           FROM partners_agreementparty ap
           JOIN partners_partner p ON p.id = ap.partner_id
           JOIN partners_agreement a ON a.id = ap.agreement_id
           WHERE p.unit_id <> a.unit_id"""
    )


def assign_units_through(
    schema_editor, table: str, link_table: str, key: str, target: str, target_table: str
) -> None:
    """Give each row of `table` the unit its linked rows (`link_table`: `key` → `target`, a
    row of `target_table`) all share; rows whose links disagree keep the national unit."""
    schema_editor.execute(
        f"""UPDATE {table} SET unit_id = (
                SELECT MIN(t.unit_id) FROM {link_table} l JOIN {target_table} t ON t.id = l.{target}
                WHERE l.{key} = {table}.id)
            WHERE (SELECT COUNT(DISTINCT t.unit_id) FROM {link_table} l
                   JOIN {target_table} t ON t.id = l.{target} WHERE l.{key} = {table}.id) = 1"""
    )
