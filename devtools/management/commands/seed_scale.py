"""`manage.py seed_scale --tier district|province|national`: a big, consistent data set."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from devtools import scale


class Command(BaseCommand):
    help = (
        "Load a national-scale data set through PostgreSQL COPY (tiers: "
        + ", ".join(f"{name} ≈ {t.cadres:,} cadres" for name, t in scale.TIERS.items())
        + f"). Users scale-admin, scale-coordinator, scale-mentor1… share the password "
        f"'{scale.PASSWORD}'. Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tier", choices=list(scale.TIERS), default="district")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same rows.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="EMPTY every domain table and ALL users first (regions stay), then seed.",
        )

    def handle(self, *args, tier: str, seed: int, force: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale loads through PostgreSQL COPY: set DATABASE_URL.")
        with transaction.atomic():
            if not scale.is_empty():
                if not force:
                    raise CommandError(
                        "This database already holds partners, programs or evaluations. "
                        "Use an empty database, or --force to wipe it first."
                    )
                self.stdout.write("Wiping domain tables and users (--force)…")
                scale.wipe()
            scale.seed(tier, seed=seed, say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Tier {tier} (seed {seed}) is in place."))
