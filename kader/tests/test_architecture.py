"""Templates point downward too: `lint-imports` sees Python imports, this sees templates.

An app's template may include templates, reverse URLs and load tag libraries of its own
layer and the layers below (the order of `.importlinter`), never of one above; a higher
app shows itself on a lower app's page through a slot (core.slots). The site's own
templates (templates/: base, navigation, errors, login) are wiring and may use any app.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from django.template.backends.django import get_installed_libraries

BASE = Path(__file__).resolve().parents[2]
# {% include "app/…" %}, {% extends "app/…" %}, {% url 'ns:name' %}, {% load lib … %}
TEMPLATE_NAME = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/""")
URL_NAME = re.compile(r"""{%\s*url\s+["']([a-z_]+):""")
LOAD = re.compile(r"{%\s*load\s+([\w ]+?)\s*%}")


def layers() -> list[str]:
    """Bottom first, as `.importlinter` lists them (top first)."""
    config = configparser.ConfigParser()
    config.read(BASE / ".importlinter")
    names = config["importlinter:contract:layers"]["layers"].split()
    return list(reversed(names))


def library_apps() -> dict[str, str]:
    """Each template tag library's app (its top-level package)."""
    return {name: module.split(".")[0] for name, module in get_installed_libraries().items()}


def references(text: str, libraries: dict[str, str]) -> set[str]:
    apps = set(TEMPLATE_NAME.findall(text)) | set(URL_NAME.findall(text))
    for names in LOAD.findall(text):
        apps |= {libraries[name] for name in names.split() if name in libraries}
    return apps


def app_templates() -> list[tuple[str, Path]]:
    order = layers()
    return [
        (app, path)
        for app in order
        for path in sorted((BASE / app / "templates").rglob("*.*"))
        if path.is_file()
    ]


def test_the_layers_are_the_installed_apps():
    from django.conf import settings

    assert [app for app in settings.INSTALLED_APPS if app in layers()] == layers()[:-1]


@pytest.mark.parametrize(("app", "path"), app_templates(), ids=lambda v: str(v))
def test_no_template_points_upward(app, path):
    order = layers()
    libraries = library_apps()
    above = set(order[order.index(app) + 1 :])
    upward = references(path.read_text(), libraries) & above
    assert not upward, f"{path.relative_to(BASE)} uses {sorted(upward)}, a higher layer"


def test_it_finds_an_upward_reference():
    # The check itself: a partners template naming the dashboard's URL would be caught.
    libraries = library_apps()
    assert references("{% url 'dashboard:export' 'x' 'csv' %}", libraries) == {"dashboard"}
    assert references('{% include "evaluations/_status.html" %}', libraries) == {"evaluations"}
    assert references("{% load i18n kader_slots %}", libraries) & set(layers()) == {"core"}


def test_the_project_package_holds_wiring_only():
    # Settings, URLs, the Celery app, WSGI, the health check and the error pages; anything
    # else belongs to the app of its layer (docs/architecture.md).
    wiring = {"__init__.py", "settings.py", "urls.py", "celery.py", "wsgi.py", "health.py"}
    wiring |= {"views.py"}  # healthz and the error pages
    modules = {path.name for path in (BASE / "kader").glob("*.py")}
    folders = {path.name for path in (BASE / "kader").iterdir() if path.is_dir()}
    assert modules <= wiring, sorted(modules - wiring)
    assert folders <= {"tests", "__pycache__"}, sorted(folders)


SLOT = re.compile(r"""{%\s*slot\s+["']([\w.]+)["']""")


def test_every_slot_is_placed_and_filled():
    # A slot name is a string on both sides: a typo would silently show nothing.
    from core import slots

    placed = {
        name
        for path in (BASE / "templates").rglob("*.html")
        for name in SLOT.findall(path.read_text())
    } | {name for _app, path in app_templates() for name in SLOT.findall(path.read_text())}
    filled = {name for name, fills in slots._fills.items() if fills}
    assert placed == filled, {"placed, never filled": placed - filled, "unplaced": filled - placed}
