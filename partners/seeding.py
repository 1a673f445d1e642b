"""The partners of the scale data set: partners, contacts, communication, agreements.

Part of `manage.py seed_scale` (orchestrated by `devtools/scale.py`). Every partner lives in
a real regency of its province; agreements come in the four kinds (formal/informal ×
industry/community), each with parties and success indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Model

from core.seeding import FIRST, LAST, SeedRun, copy_text

from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CommunicationLog,
    Contact,
    Partner,
    Region,
    SuccessIndicator,
)

ORG_KIND = {
    "company": ("PT", "CV"),
    "ngo": ("Yayasan", "Perkumpulan"),
    "university": ("Universitas", "Politeknik", "SMK"),
    "government": ("Dinas Kesehatan", "Puskesmas", "Dinas Sosial"),
    "community": ("Posyandu", "Karang Taruna", "PKK"),
    "individual": ("Ibu", "Bapak"),
}
ORG_WORD = [
    "Sehat",
    "Sejahtera",
    "Mandiri",
    "Harapan",
    "Bakti",
    "Maju",
    "Bersama",
    "Cahaya",
    "Amanah",
    "Lestari",
]
AGREEMENT_KINDS = (
    ("formal", "industry"),
    ("formal", "community"),
    ("informal", "industry"),
    ("informal", "community"),
)
AGREEMENT_COLUMNS = (
    "id",
    "title",
    "reference",
    "formality",
    "basis",
    "status",
    "start_date",
    "end_date",
    "coordinator_id",
    "activated_on",
    "closed_on",
    "termination_reason",
)
PARTNER_COLUMNS = (
    "id",
    "name",
    "sector",
    "status",
    "province_id",
    "region_id",
    "brings_network",
    "brings_expertise",
    "brings_funding",
    "brings_venues",
    "brings_mentors",
)

Regions = list[tuple[int, int]]  # (region pk, province pk)
Term = tuple[dt.date, dt.date, str]  # start, end, status


@dataclass(frozen=True)
class Register:
    """What the apps above need of the partners: how many, and each agreement's term."""

    partners: int
    agreements: dict[int, Term]  # agreement pk → term


def domain_models() -> list[type[Model]]:
    """The tables `seed_scale` checks are empty, and `--force` empties."""
    return [
        Partner,
        Contact,
        Agreement,
        AgreementParty,
        SuccessIndicator,
        AgreementDocument,
        CommunicationLog,
    ]


def regions() -> Regions:
    """The reference regencies every seeded place is drawn from."""
    found = list(Region.objects.values_list("pk", "province_id").order_by("pk"))
    if not found:
        raise RuntimeError("No regions: run the migrations first (they load the reference data).")
    return found


def seed(run: SeedRun, *, partners: int, regions: Regions, coordinators: list[int]) -> Register:
    run.out.copy(Partner, PARTNER_COLUMNS, _partners(run, partners, regions))
    _contacts(run, partners)
    _communications(run, partners)
    count = max(4, partners * 6 // 10)
    terms: dict[int, Term] = {}
    run.out.copy(Agreement, AGREEMENT_COLUMNS, _agreements(run, count, coordinators, terms))
    _parties(run, count, partners)
    _indicators(run, count)
    return Register(partners=partners, agreements=terms)


def _partners(run: SeedRun, count: int, regions: Regions) -> Iterator[tuple]:
    rng, sectors = run.rng, list(ORG_KIND)
    for pk in range(1, count + 1):
        sector = sectors[pk % len(sectors)]
        region, province = regions[rng.randrange(len(regions))]
        name = f"{rng.choice(ORG_KIND[sector])} {rng.choice(ORG_WORD)} {pk}"
        status = rng.choices(("active", "prospect", "inactive"), (70, 20, 10))[0]
        flags = tuple("t" if rng.random() < 0.4 else "f" for _ in range(5))
        yield (str(pk), name, sector, status, str(province), str(region), *flags)


def _contacts(run: SeedRun, partners: int) -> None:
    rng = run.rng
    run.out.copy(
        Contact,
        ("id", "partner_id", "name", "email", "is_primary"),
        (
            (
                str(pk),
                str(pk),
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"kontak{pk}@example.id",
                "t",
            )
            for pk in range(1, partners + 1)
        ),
    )


def _communications(run: SeedRun, partners: int) -> None:
    rng = run.rng
    run.out.copy(
        CommunicationLog,
        ("id", "partner_id", "date", "channel", "summary"),
        (
            (
                str(pk),
                str((pk - 1) // 2 + 1),
                run.day[rng.randrange(700)],
                rng.choice(("meeting", "call", "email")),
                "Rapat koordinasi",
            )
            for pk in range(1, partners * 2 + 1)
        ),
    )


def _agreements(
    run: SeedRun, count: int, coordinators: list[int], terms: dict[int, Term]
) -> Iterator[tuple]:
    """Agreement rows; each one's term goes into `terms` as its row is made."""
    rng = run.rng
    for pk in range(1, count + 1):
        formality, basis = AGREEMENT_KINDS[pk % 4]
        start, end, status = _term(run)
        activated = start.isoformat() if status != "draft" else None
        closed = end.isoformat() if status in ("ended", "terminated") else None
        terms[pk] = (start, end, status)
        yield (
            str(pk),
            f"Kesepakatan {rng.choice(ORG_WORD)} {pk}",
            f"PKS/{pk}/{start.year}" if formality == "formal" else "",
            formality,
            basis,
            status,
            start.isoformat(),
            end.isoformat(),
            str(coordinators[pk % len(coordinators)]),
            copy_text(activated),
            copy_text(closed),
            "Kerja sama berakhir lebih awal" if status == "terminated" else "",
        )


def _term(run: SeedRun) -> Term:
    """A start, end and status that agree with each other and with today."""
    rng, today = run.rng, run.today
    started_ago = rng.randrange(30, 1200)
    start = today - dt.timedelta(days=started_ago)
    status = rng.choices(("active", "draft", "ended", "terminated"), (60, 10, 22, 8))[0]
    if status == "draft":
        start = today + dt.timedelta(days=rng.randrange(1, 90))
    end = start + dt.timedelta(days=365 * rng.choice((1, 2, 3)))
    if status == "active" and end < today:
        end = today + dt.timedelta(days=rng.randrange(1, 400))
    if status in ("ended", "terminated") and end >= today:
        end = today - dt.timedelta(days=rng.randrange(1, 20))
        end = max(end, start)
    return start, end, status


def _parties(run: SeedRun, agreements: int, partners: int) -> None:
    def rows() -> Iterator[tuple]:
        pk = 0
        for agreement in range(1, agreements + 1):
            first = (agreement - 1) % partners + 1
            chosen = {first}
            if run.rng.random() < 0.3:
                chosen.add(run.rng.randrange(1, partners + 1))
            for partner in sorted(chosen):
                pk += 1
                role = run.rng.choice(("host", "funder", "trainer"))
                yield (str(pk), str(agreement), str(partner), role)

    run.out.copy(AgreementParty, ("id", "agreement_id", "partner_id", "role"), rows())


def _indicators(run: SeedRun, agreements: int) -> None:
    run.out.copy(
        SuccessIndicator,
        ("id", "agreement_id", "name", "unit", "baseline", "target"),
        (
            (
                str(pk),
                str((pk - 1) // 2 + 1),
                ("Kader terlatih", "Jam pendampingan")[pk % 2],
                ("kader", "jam")[pk % 2],
                "0",
                str(run.rng.randrange(20, 500)),
            )
            for pk in range(1, agreements * 2 + 1)
        ),
    )
