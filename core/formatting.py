"""One way to write numbers, durations and dates per language, for pages, PDFs, e-mails
and calendar feeds alike.

Dates go through Django's formats (`date_format(value)`, `{{ value|date }}`), which read
the project's format modules (`core/formats/<language>/formats.py`, FORMAT_MODULE_PATH):
never a format string of their own. Numbers and durations go through the functions here
(template filters in `core/templatetags/kader_formats.py`), which read the same modules'
separators: "1.234,5" and "1,5 jam" in Indonesian, "1,234.5" and "1.5 hours" in English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext

from core.privacy import hidden_label

Number = int | float | Decimal


def number(value: Number | None, decimals: int | None = None) -> str:
    """`value` with the active language's separators, grouped by thousands; `decimals`
    fixes the digits after the separator (None: as many as the value has)."""
    if value is None:
        return "—"
    if isinstance(value, float) and decimals is None and value.is_integer():
        decimals = 0  # 12.0 hours read "12", as whole counts do
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def measure(value: Number | None) -> str:
    """An indicator's value (baseline, target, actual): up to two decimals, none when it is
    whole — as the pages write it with floatformat:"-2", grouped by thousands."""
    return "—" if value is None else str(floatformat(value, "-2g"))


def tenths(value: Number | None) -> str:
    """A measure to one decimal, without a trailing ",0": 1,5 · 2 · 1.234,5."""
    return "—" if value is None else number(round(float(value), 1))


def hours(value: Number | None) -> str:
    """A number of hours with its unit: "1,5 jam" / "1.5 hours"."""
    if value is None:
        return "—"
    rounded = round(float(value), 1)
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if rounded == 1 else 2) % {
        "hours": tenths(rounded)
    }


def minutes(value: int | None) -> str:
    """A duration in minutes with its unit: "45 menit" / "45 min"."""
    if value is None:
        return "—"
    return ngettext("%(minutes)s min", "%(minutes)s min", value) % {"minutes": number(value)}


def percent(value: Number | None) -> str:
    return "—" if value is None else f"{number(value)} %"


def day(value: dt.date | None) -> str:
    """A date as every page writes it (DATE_FORMAT of the active language)."""
    return date_format(value) if value else "—"


def group_count(value: int | None) -> str:
    """A background count after suppression: hidden ones read "< 5"."""
    return hidden_label() if value is None else number(value)
