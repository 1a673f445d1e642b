"""What every app's scale seeding (`<app>/seeding.py`) shares: the COPY stream, and one run.

A run is one random source, one "today" and one COPY stream, handed from the bottom layer up
(`devtools/scale.py` orchestrates). Every app draws from the same `random.Random` in a fixed
order, so the same seed gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone

CHUNK = 50_000  # rows per COPY statement
DAYS_BACK = 1500  # how far back `SeedRun.day` reaches

FIRST = [
    "Siti",
    "Nur",
    "Dewi",
    "Sri",
    "Ayu",
    "Putri",
    "Rina",
    "Wulan",
    "Fitri",
    "Indah",
    "Ratna",
    "Yuni",
    "Lestari",
    "Maya",
    "Ani",
    "Ika",
    "Eka",
    "Budi",
    "Agus",
    "Ahmad",
    "Muhammad",
    "Joko",
    "Hendra",
    "Rudi",
    "Andi",
    "Bambang",
    "Eko",
    "Wahyu",
    "Dedi",
    "Yusuf",
    "Rizki",
    "Fajar",
]
LAST = [
    "Wati",
    "Sari",
    "Rahayu",
    "Handayani",
    "Kusuma",
    "Pratiwi",
    "Susanti",
    "Hidayat",
    "Santoso",
    "Saputra",
    "Setiawan",
    "Nugroho",
    "Wijaya",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Hutapea",
    "Lubis",
    "Harahap",
    "Sitompul",
    "Purba",
    "Manurung",
    "Tanjung",
    "Rahman",
    "Hakim",
    "Syahputra",
    "Gunawan",
    "Firmansyah",
    "Kurniawan",
    "Utami",
    "Permata",
]


def copy_text(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    value = str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _fill_value(field: models.Field, now: dt.datetime):
    """What a column not given by the generator holds: the model's default, or empty."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.blank and isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value from the seeder")


class Copier:
    """Streams generated rows into a table with COPY, in chunks, printing progress."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def copy(self, model: type[models.Model], given: tuple[str, ...], rows: Iterable) -> int:
        """`given` names the columns each row (a tuple of strings) fills, in order."""
        fields = {f.column: f for f in model._meta.concrete_fields}
        rest = [c for c in fields if c not in given]
        suffix = "".join("\t" + copy_text(_fill_value(fields[c], self.now)) for c in rest)
        columns = ", ".join(connection.ops.quote_name(c) for c in (*given, *rest))
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        return self._stream(model._meta.db_table, sql, ("\t".join(r) + suffix for r in rows))

    def copy_table(self, table: str, columns: tuple[str, ...], rows: Iterable) -> int:
        sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(columns)}) FROM STDIN"
        return self._stream(table, sql, ("\t".join(r) for r in rows))

    def _stream(self, table: str, sql: str, lines: Iterator[str]) -> int:
        started, total = time.perf_counter(), 0
        raw = connection.connection  # psycopg2 connection behind Django's
        with raw.cursor() as cursor:
            while True:
                buffer, n = io.StringIO(), 0
                for line in lines:
                    buffer.write(line)
                    buffer.write("\n")
                    n += 1
                    if n == CHUNK:
                        break
                if not n:
                    break
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                total += n
                if total % (CHUNK * 20) == 0:
                    self.say(f"  {table}: {total:,} rows…")
        elapsed = time.perf_counter() - started
        rate = total / elapsed if elapsed else 0
        self.say(f"{table}: {total:,} rows in {elapsed:.1f} s ({rate:,.0f}/s)")
        self.counts[table] = self.counts.get(table, 0) + total
        return total


@dataclass(frozen=True)
class SeedRun:
    """One seeding run: its random source, its COPY stream, and the calendar it counts back on."""

    rng: random.Random
    out: Copier
    today: dt.date
    day: list[str]  # day[n] is the ISO date n days ago

    @classmethod
    def start(cls, seed: int, say: Callable[[str], None]) -> SeedRun:
        today = timezone.localdate()
        return cls(
            rng=random.Random(seed),  # noqa: S311 (test data, not secrets)
            out=Copier(say),
            today=today,
            day=[(today - dt.timedelta(days=d)).isoformat() for d in range(DAYS_BACK)],
        )
