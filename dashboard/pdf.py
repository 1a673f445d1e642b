"""The reports as PDF, drawn with reportlab from the same data as the printable pages.

reportlab installs from PyPI alone (no cairo or pango from the system, unlike WeasyPrint),
so the PDF works wherever `pip install -r requirements.txt` does.

Text is drawn in DejaVu Sans (Debian's fonts-dejavu-core), embedded, so the scripts users
type print: Latin with every accent, Greek, Cyrillic, and Arabic (joined into its
presentation forms by arabic-reshaper and put in display order by python-bidi, since
reportlab shapes neither). A character the font cannot draw (CJK, emoji) prints as a
visible "[?]" rather than as an empty box or nothing. Without the font files the standard
Helvetica is used, and everything outside Latin-1 prints as "[?]".
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from arabic_reshaper import reshape
from bidi import get_display
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.formatting import day, group_count, measure, number, percent, tenths
from core.limits import REPORT_CELL_TEXT, REPORT_TEXT

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Upright faces only: DejaVu's oblique ones have no Arabic, so italics print upright.
FONT_FILES = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf"}
MISSING = "[?]"


def _register_font() -> tuple[str, frozenset[int]]:
    """The font family to draw with, and the code points every face of it can draw."""
    try:
        faces = {}
        for suffix, filename in FONT_FILES.items():
            faces[suffix] = TTFont(f"KaderSans{suffix}", str(FONT_DIR / filename))
    except (OSError, TTFError) as error:
        log.warning("PDF font not found (install fonts-dejavu-core): %s", error)
        return "Helvetica", frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))
    for face in faces.values():
        pdfmetrics.registerFont(face)
    pdfmetrics.registerFontFamily(
        "KaderSans",
        normal="KaderSans",
        bold="KaderSans-Bold",
        italic="KaderSans",
        boldItalic="KaderSans-Bold",
    )
    covered = frozenset.intersection(*(frozenset(face.face.charToGlyph) for face in faces.values()))
    return "KaderSans", covered


FONT, COVERED = _register_font()
_BOLD = f"{FONT}-Bold"
_FACES = {
    "Helvetica": FONT,
    "Helvetica-Bold": _BOLD,
    "Helvetica-Oblique": FONT if FONT != "Helvetica" else "Helvetica-Oblique",
    "Helvetica-BoldOblique": _BOLD if FONT != "Helvetica" else "Helvetica-BoldOblique",
}
STYLES = getSampleStyleSheet()
for _style in STYLES.byName.values():
    if hasattr(_style, "fontName"):
        _style.fontName = _FACES.get(_style.fontName, _style.fontName)
GREEN = colors.HexColor("#198754")
TABLE_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d1e7dd")),
        ("FONTNAME", (0, 0), (-1, 0), _FACES["Helvetica-Bold"]),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")


def printable(text: str) -> str:
    """`text` as the font can draw it: right-to-left runs shaped and in display order,
    each run of characters it has no glyph for replaced by one visible "[?]"."""
    text = unicodedata.normalize("NFC", text)
    if _RIGHT_TO_LEFT.search(text):
        text = get_display(reshape(text))
    out, missing = [], False
    for char in text:
        if ord(char) in COVERED or char in "\n\t":
            out.append(char)
            missing = False
        elif unicodedata.category(char) in ("Mn", "Me", "Cf") and ord(char) != 0xFFFC:
            continue  # a combining mark or joiner the font lacks: drop it, not the letter
        elif not missing:
            out.append(MISSING)
            missing = True
    return "".join(out)


def _text(value: object, limit: int = REPORT_TEXT) -> Paragraph:
    # Paragraph reads a little markup: user text is escaped so it is printed, not parsed.
    # Cut to `limit` characters: reportlab's time grows with the text, and a table cell
    # taller than a page cannot be drawn at all (LayoutError), whatever a row holds.
    text = Truncator(str(value if value not in (None, "") else "—")).chars(limit)
    return Paragraph(escape(printable(text)), STYLES["BodyText"])


def _heading(text: str) -> Paragraph:
    return Paragraph(escape(printable(text)), STYLES["Heading2"])


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
            measure(i["indicator"].baseline),
            measure(i["indicator"].target),
            measure(i["actual"]) if i["actual"] is not None else None,
            percent(i["attainment"]) if i["attainment"] is not None else None,
        ]
        for i in data["indicators"]
    ]
    header = [_("Indicator"), _("Baseline"), _("Target"), _("Latest value"), _("Attainment")]
    story.append(_table(header, rows) if rows else _text(_("No indicators.")))
    story += [_heading(_("Evaluations"))]
    rows = [
        [
            f"{day(e.period_start)} – {day(e.period_end)}",
            day(e.due_date),
            e.get_status_display(),
            number(e.health, 1) if e.health else None,
        ]
        for e in data["evaluations"]
    ]
    header = [_("Period"), _("Due date"), _("Status"), _("Health (1–5)")]
    story.append(_table(header, rows) if rows else _text(_("No evaluations yet.")))
    story += [_heading(_("Action items"))]
    states = {"done": _("Done"), "late": _("Late"), "open": _("Open")}
    rows = [
        [
            row["item"].description,
            row["item"].owner.get_full_name() or row["item"].owner.username,
            day(row["item"].due_date),
            states[row["state"]],
            f"{day(row['evaluation'].period_start)} – {day(row['evaluation'].period_end)}",
        ]
        for row in data["action_items"]
    ]
    header = [_("Action"), _("Owner"), _("Due date"), _("State"), _("Evaluation")]
    story.append(_table(header, rows) if rows else _text(_("No action items.")))
    hours = data["hours"]
    story += [
        _heading(_("Mentoring delivered")),
        _text(
            _("%(sessions)s sessions, %(hours)s hours")
            % {"sessions": number(hours["sessions"]), "hours": tenths(hours["hours"])}
        ),
        _heading(_("Cadres by stage")),
        _table(
            [s["label"] for s in data["stages"]], [[number(s["count"]) for s in data["stages"]]]
        ),
    ]
    return story


def _document(title: str, subtitle: str, story: list) -> io.BytesIO:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm
    )
    head = [
        Paragraph(escape(printable(title)), STYLES["Title"]),
        Paragraph(escape(printable(subtitle)), STYLES["Italic"]),
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
            f"{day(agreement.start_date)} – {day(agreement.end_date)}",
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
            f"{day(program.start_date)} – {day(program.end_date)}",
        ]
    )
    story = _common(data)
    statuses = data["enrolment_statuses"]
    story += [
        _heading(_("Enrolments")),
        _table([s["label"] for s in statuses], [[number(s["count"]) for s in statuses]]),
        _heading(_("Diversity (aggregated)")),
    ]
    diversity = data["diversity"]
    if not diversity["shown"]:
        not_shown = _("Fewer than %(n)s cadres answered: not shown.")
        story.append(_text(not_shown % {"n": diversity["small_group"]}))
    for dimension in diversity["dimensions"] if diversity["shown"] else []:
        cells = [f"{label}: {group_count(count)}" for label, count in dimension["nonzero"]]
        story.append(_text(f"{dimension['label']} — " + "; ".join(cells)))
    return _document(data["title"], subtitle, story)
