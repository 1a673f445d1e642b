"""Diversity of a group of cadres, in aggregate only (seed 1, "Meningkatkan Keragaman").

Background data is shown per person only on the cadre's own page. Reports show totals,
and only when enough cadres answered: below MIN_GROUP a total could point at a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from programs.models import CadreBackground

MIN_GROUP = 5

DIMENSIONS = [
    ("gender", CadreBackground.Gender),
    ("age_band", CadreBackground.AgeBand),
    ("disability", CadreBackground.Answer),
    ("first_in_family_university", CadreBackground.Answer),
    ("area", CadreBackground.Area),
]


@dataclass
class Dimension:
    label: str
    counts: list[tuple[str, int]]

    @property
    def nonzero(self) -> list[tuple[str, int]]:
        return [(label, count) for label, count in self.counts if count]


@dataclass
class DiversitySummary:
    answered: int
    dimensions: list[Dimension]

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP


def diversity_summary(cadres: QuerySet) -> DiversitySummary:
    """One query: how many cadres of `cadres` (Cadre rows, or a queryset of cadre ids)
    answered each background question how."""
    rows = CadreBackground.objects.filter(cadre__in=cadres)
    totals = {"answered": Count("pk")}
    for field, choices in DIMENSIONS:
        for value, _label in choices.choices:
            totals[f"{field}__{value}"] = Count("pk", filter=Q(**{field: value}))
    result = rows.aggregate(**totals)
    dimensions = [
        Dimension(
            str(CadreBackground._meta.get_field(field).verbose_name),
            [(str(label), result[f"{field}__{value}"]) for value, label in choices.choices],
        )
        for field, choices in DIMENSIONS
    ]
    return DiversitySummary(result["answered"], dimensions)
