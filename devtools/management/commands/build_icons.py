from django.core.management.base import BaseCommand, CommandError

from devtools import icons


class Command(BaseCommand):
    help = (
        "Cut the icons Kader shows (devtools/icons.py) out of Bootstrap Icons and draw the "
        "installable app's icons, into static/icons/ (commit the result)."
    )

    def handle(self, *args, **options) -> None:
        try:
            paths = [*icons.subset(), *icons.draw_app_icons()]
        except ValueError as error:
            raise CommandError(str(error)) from error
        for path in paths:
            self.stdout.write(f"static/icons/{path.name}: {path.stat().st_size} bytes")
