"""Cells for spreadsheets and CSV: typed values, and text a spreadsheet never runs."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A spreadsheet runs a cell that starts like a formula: such text is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def plain(value: Any) -> Any:
    """A cell value: numbers and dates stay typed, local time for moments, text as text."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float | Decimal | date):
        return value
    return CONTROL_CHARS.sub("", str(value))


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
