from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from devtools import demo


class Command(BaseCommand):
    help = "Fill the database with a believable demo (idempotent). Refuses when DEBUG is off."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (demo users have a published password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo users have a "
                "published password. Run with --force if you really mean it."
            )
        with transaction.atomic():
            demo.seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is in place. Logins (password '{demo.DEMO_PASSWORD}'):")
        )
        for username, _first, _last, role in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role or 'admin'}")
