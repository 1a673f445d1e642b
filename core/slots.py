"""Places on a lower layer's page that a higher layer fills, so no arrow points upward.

Where a page of partners or programs shows what a higher app knows — an agreement's
evaluation history, a link to the dashboard's report, a mentor's month summary, the
export buttons of a list — the page names a slot, `{% slot "agreement.history" agreement %}`
(`kader_slots` tags), and the higher app fills it from its `AppConfig.ready()`:

    slots.register("agreement.history", fill)

`fill(context, *args)` returns HTML (safe) or "" and runs while the page renders, with the
page's whole context (request, perms, csrf). Fills run in registration order, which follows
INSTALLED_APPS. A slot nobody fills renders nothing, so a lower app works on its own.
Programs' timeline (`programs.timeline`) is the same idea for data instead of markup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

Fill = Callable[..., str]

_fills: dict[str, list[Fill]] = defaultdict(list)


def register(name: str, fill: Fill) -> Fill:
    """Fill the slot `name` with `fill` (idempotent: registering it again changes nothing)."""
    if fill not in _fills[name]:
        _fills[name].append(fill)
    return fill


def render(name: str, context: Context, *args: Any) -> SafeString:
    return mark_safe("".join(str(fill(context, *args)) for fill in _fills[name]))  # noqa: S308


def render_template(template_name: str, context: Context, **values: Any) -> str:
    """Render a template with the page's context and some values of the filler's own."""
    page = context.template
    assert page is not None, "slots render while a page renders"
    template = page.engine.get_template(template_name)
    with context.push(**values):
        return template.render(context)
