"""The reports as PDF, drawn with reportlab from the same data as the printable pages.

reportlab installs from PyPI alone (no cairo or pango from the system, unlike WeasyPrint),
so the PDF works wherever `pip install -r requirements.txt` does.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kader.limits import REPORT_CELL_TEXT, REPORT_TEXT

STYLES = getSampleStyleSheet()
GREEN = colors.HexColor("#198754")
TABLE_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d1e7dd")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _text(value: object, limit: int = REPORT_TEXT) -> Paragraph:
    # Paragraph reads a little markup: user text is escaped so it is printed, not parsed.
    # Cut to `limit` characters: reportlab's time grows with the text, and a table cell
    # taller than a page cannot be drawn at all (LayoutError), whatever a row holds.
    text = Truncator(str(value if value not in (None, "") else "—")).chars(limit)
    return Paragraph(escape(text), STYLES["BodyText"])


def _day(value) -> str:
    return date_format(value, "j M Y") if value else "—"


def _heading(text: str) -> Paragraph:
    return Paragraph(escape(text), STYLES["Heading2"])


def _table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
    body = [[_text(h) for h in header]] + [
        [_text(c, REPORT_CELL_TEXT) for c in row] for row in rows
    ]
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def _common(data: dict) -> list:
    story = []
    for label, text in data["objectives"]:
        story += [_heading(str(label)), _text(text)]
    story += [_heading(_("Success indicators"))]
    rows = [
        [
            str(i["indicator"]),
            i["indicator"].baseline,
            i["indicator"].target,
            i["actual"],
            f"{i['attainment']} %" if i["attainment"] is not None else None,
        ]
        for i in data["indicators"]
    ]
    header = [_("Indicator"), _("Baseline"), _("Target"), _("Latest value"), _("Attainment")]
    story.append(_table(header, rows) if rows else _text(_("No indicators.")))
    story += [_heading(_("Evaluations"))]
    rows = [
        [
            f"{_day(e.period_start)} – {_day(e.period_end)}",
            _day(e.due_date),
            e.get_status_display(),
            f"{e.health:.1f}" if e.health else None,
        ]
        for e in data["evaluations"]
    ]
    header = [_("Period"), _("Due date"), _("Status"), _("Health (1–5)")]
    story.append(_table(header, rows) if rows else _text(_("No evaluations yet.")))
    hours = data["hours"]
    story += [
        _heading(_("Mentoring delivered")),
        _text(_("%(sessions)s sessions, %(hours)s hours") % hours),
        _heading(_("Cadres by stage")),
        _table([s["label"] for s in data["stages"]], [[s["count"] for s in data["stages"]]]),
    ]
    return story


def _document(title: str, subtitle: str, story: list) -> io.BytesIO:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm
    )
    head = [
        Paragraph(escape(title), STYLES["Title"]),
        Paragraph(escape(subtitle), STYLES["Italic"]),
        Spacer(1, 4 * mm),
    ]
    doc.build(head + story)
    buffer.seek(0)
    return buffer


def agreement_report(data: dict) -> io.BytesIO:
    agreement = data["agreement"]
    subtitle = " · ".join(
        [
            agreement.get_formality_display(),
            agreement.get_basis_display(),
            agreement.get_status_display(),
            f"{_day(agreement.start_date)} – {_day(agreement.end_date)}",
        ]
    )
    parties = [[p.partner.name, p.role, p.responsibilities] for p in data["parties"]]
    story = [_heading(_("Parties"))]
    story.append(_table([_("Partner"), _("Role"), _("Responsibilities")], parties))
    return _document(data["title"], subtitle, story + _common(data))


def program_report(data: dict) -> io.BytesIO:
    program = data["program"]
    subtitle = " · ".join(
        [
            program.get_kind_display(),
            program.get_status_display(),
            f"{_day(program.start_date)} – {_day(program.end_date)}",
        ]
    )
    story = _common(data)
    statuses = data["enrolment_statuses"]
    story += [
        _heading(_("Enrolments")),
        _table([s["label"] for s in statuses], [[s["count"] for s in statuses]]),
        _heading(_("Diversity (aggregated)")),
    ]
    diversity = data["diversity"]
    if not diversity["shown"]:
        story.append(_text(_("Fewer than 5 cadres answered: not shown.")))
    for dimension in diversity["dimensions"] if diversity["shown"] else []:
        cells = [
            f"{label}: {count if count is not None else '<5'}"
            for label, count in dimension["cells"]
        ]
        story.append(_text(f"{dimension['label']} — " + "; ".join(cells)))
    return _document(data["title"], subtitle, story)
