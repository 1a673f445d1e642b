"""The dashboard's charts: Chart.js settings built from the figures, each with a data table
behind it on the page."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programs.models import (
    CadreBackground,
)

# --- Charts ------------------------------------------------------------------------------


def _chart(kind: str, labels: list, datasets: list[dict], urls: list, **options) -> dict:
    """What static/js/dashboard.js draws: Chart.js data plus each bar's list URL."""
    return {
        "kind": kind,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        "urls": urls,
        **options,
    }


def charts(data: dict) -> dict:
    """The chart payloads (rendered with json_script, drawn by static/js/dashboard.js)."""
    stages, kinds = data["pipeline"]["stages"], data["enrolments"]
    months, mentors = data["mentoring"]["months"], data["mentors"][:12]
    health_rows, attained = data["health"], data["attainment"]
    return {
        "pipeline": _chart(
            "bar",
            [s["label"] for s in stages],
            [{"label": str(_("Cadres")), "data": [s["count"] for s in stages]}],
            [s["url"] for s in stages],
            horizontal=True,
            funnel=True,
        ),
        "enrolments": _chart(
            "doughnut",
            [k["label"] for k in kinds],
            [{"label": str(_("Enrolments")), "data": [k["total"] for k in kinds]}],
            [k["url"] for k in kinds],
        ),
        "mentoring": _chart(
            "bar",
            [date_format(m["month"], "YEAR_MONTH_FORMAT") for m in months],
            [
                {"label": str(_("Sessions")), "data": [m["sessions"] for m in months]},
                {"label": str(_("Hours")), "data": [m["hours"] for m in months], "line": True},
            ],
            [m["url"] for m in months],
        ),
        "mentors": _chart(
            "bar",
            [m["name"] for m in mentors],
            [
                {"label": str(_("Active mentees")), "data": [m["load"] for m in mentors]},
                {"label": str(_("Capacity")), "data": [m["capacity"] for m in mentors]},
            ],
            [m["url"] for m in mentors],
            horizontal=True,
        ),
        "health": _chart(
            "bar",
            [h["title"] for h in health_rows],
            [{"label": str(_("Health (1–5)")), "data": [h["score"] for h in health_rows]}],
            [h["url"] for h in health_rows],
            horizontal=True,
            max=5,
            scale="health",
        ),
        "attainment": _chart(
            "bar",
            [a["title"] for a in attained],
            [{"label": str(_("Attainment (%)")), "data": [a["percent"] for a in attained]}],
            [a["url"] for a in attained],
            horizontal=True,
            max=100,
            scale="percent",
        ),
        "diversity": _gender_chart(data["diversity"]["by_program"]),
    }


def _gender_chart(groups: list[dict]) -> dict:
    """The gender mix of each program shown (suppressed cells left out)."""
    shown = [g for g in groups if g["answered"]]
    labels = CadreBackground.Gender.labels
    datasets = [
        {
            "label": str(label),
            "data": [g["dimensions"][0]["cells"][i][1] or 0 for g in shown],
        }
        for i, label in enumerate(labels)
    ]
    return _chart(
        "bar",
        [g["label"] for g in shown],
        datasets,
        [g["url"] for g in shown],
        horizontal=True,
        stacked=True,
    )
