"""The dashboard's part of the scale data set: no rows, only tables to empty.

Calendar feeds are made when a user asks for one, so `seed_scale` seeds none; they belong to
the users it replaces, so `seed_scale --force` empties them with the rest.
"""

from __future__ import annotations

from django.db.models import Model

from .models import CalendarFeed


def domain_models() -> list[type[Model]]:
    """The tables `seed_scale` checks are empty, and `--force` empties."""
    return [CalendarFeed]
