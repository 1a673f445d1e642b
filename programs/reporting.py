"""Diversity of a group of cadres, in aggregate only (seed 1, "Meningkatkan Keragaman").

Background data is shown per person only on the cadre's own page. Everything else that
shows it — the program page, the reports and their PDF, the dashboard and its chart — goes
through the one rule of `core.privacy`: a group is shown only when at least SMALL_GROUP cadres
answered, and within it every count below SMALL_GROUP is hidden (`suppress`), because a
small total could point at a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.privacy import SMALL_GROUP, group_shown, hidden_label, suppress  # noqa: F401
from programs.models import CadreBackground

DIMENSIONS = [
    ("gender", CadreBackground.Gender),
    ("age_band", CadreBackground.AgeBand),
    ("disability", CadreBackground.Answer),
    ("first_in_family_university", CadreBackground.Answer),
    ("area", CadreBackground.Area),
]


@dataclass
class DiversitySummary:
    answered: int
    # [{"label": question, "cells": [(answer, count or None where hidden), …]}, …]
    dimensions: list[dict]

    small_group: int = SMALL_GROUP

    @property
    def shown(self) -> bool:
        return group_shown(self.answered)


def dimensions_of(row: dict) -> list[dict]:
    """The suppressed cells of each background question, from counts named
    `<field>__<value>` (see `background_counts`). Labels stay lazy: the dashboard keeps
    these figures in no language."""
    dimensions = []
    for field, choices in DIMENSIONS:
        counts = suppress([row[f"{field}__{value}"] for value in choices.values])
        cells = list(zip(choices.labels, counts, strict=True))
        dimensions.append(
            {
                "label": CadreBackground._meta.get_field(field).verbose_name,
                "cells": cells,
                # What a page lists: answers nobody gave are left out, hidden ones kept.
                "nonzero": [(label, count) for label, count in cells if count != 0],
            }
        )
    return dimensions


def background_counts(distinct: bool = False) -> dict:
    """The aggregates `dimensions_of` reads: how many answered, and how many each way."""
    totals = {"answered": Count("pk", distinct=distinct)}
    for name, choices in DIMENSIONS:
        for value in choices.values:
            totals[f"{name}__{value}"] = Count("pk", filter=Q(**{name: value}), distinct=distinct)
    return totals


def diversity_summary(cadres: QuerySet) -> DiversitySummary:
    """One query: how many cadres of `cadres` (Cadre rows, or a queryset of cadre ids)
    answered each background question how, small counts hidden."""
    # unscoped: counts only, over the cadres the caller chose (and scoped).
    answers = CadreBackground.objects.unscoped().filter(cadre__in=cadres)
    result = answers.aggregate(**background_counts())
    return DiversitySummary(result["answered"], dimensions_of(result))
