"""The icon subset (devtools/icons.py) holds every icon a page names, and the committed
files are the ones the list makes."""

import re
from pathlib import Path

from django.conf import settings

from devtools import icons

BASE_DIR = Path(settings.BASE_DIR)
SKIPPED = {".venv", "node_modules", "var", ".git"}
# <i class="bi bi-people">, and the names handed to a template that writes "bi-{{ icon }}".
IN_TEMPLATE = re.compile(r"\bbi-([a-z0-9][a-z0-9-]*)\b|\bicon=\"([a-z0-9-]+)\"")
QUOTED = re.compile(r"\"([a-z0-9][a-z0-9-]*)\"")


def sources(pattern: str):
    for path in BASE_DIR.rglob(pattern):
        if not SKIPPED & set(path.relative_to(BASE_DIR).parts) and "tests" not in path.parts:
            yield path


def named_in_templates() -> set[str]:
    names = set()
    for path in [*sources("*.html"), *sources("*.js")]:
        if path.parent == icons.TARGET:
            continue
        for match in IN_TEMPLATE.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def named_in_timelines() -> set[str]:
    """A timeline entry's icon is a string in Python: every quoted icon name there."""
    every_icon = set(icons.codepoints())
    names = set()
    for path in sources("timeline.py"):
        names |= {name for name in QUOTED.findall(path.read_text()) if name in every_icon}
    return names


def test_every_icon_a_page_names_is_in_the_subset():
    used = named_in_templates() | named_in_timelines()
    assert used - set(icons.ICONS) == set(), "add them to devtools/icons.py, run build_icons"
    # What the scan finds must be real icons: a typo shows as nothing on the page.
    assert used - set(icons.codepoints()) == set()


def test_the_committed_stylesheet_is_the_one_the_list_makes():
    css = (icons.TARGET / "icons.css").read_text()
    assert css == icons.stylesheet(icons.codepoints()), "run `manage.py build_icons`"
    font = (icons.TARGET / "icons.woff2").read_bytes()
    assert font[:4] == b"wOF2" and len(font) < 16_000
