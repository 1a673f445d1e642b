"""Regenerate `regions.csv` from the npm package idn-area-data (pinned in package.json).

Run from the repository root after `npm ci`:  python jurisdictions/data/build_regions.py

Why a committed copy instead of reading node_modules in the migration: migrations must give
the same result forever and run where Node is absent (a production image, `manage.py
migrate` before `npm ci`). A later data change needs a new data migration that reads the
regenerated file.
"""

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "node_modules" / "idn-area-data" / "data"
TARGET = Path(__file__).with_name("regions.csv")


def main() -> None:
    rows: list[tuple[str, str]] = []
    for name in ("provinces.csv", "regencies.csv"):
        with (SOURCE / name).open(encoding="utf-8", newline="") as f:
            rows += [(r["code"], r["name"].strip()) for r in csv.DictReader(f)]
    with TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("code", "name"))
        writer.writerows(sorted(rows))
    print(f"{len(rows)} rows written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
