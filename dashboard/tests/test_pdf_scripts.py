"""Issue 15: the PDFs print the scripts users type, or show plainly what they cannot.

Reports used reportlab's standard Helvetica, which has no glyph beyond Latin-1: an Arabic
or Vietnamese name came out as black boxes or nothing. Text is read back from the PDF
itself (pypdf), as a reader's copy-and-paste would.
"""

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dashboard import pdf
from factories import AgreementFactory

pytestmark = pytest.mark.django_db

LATIN = "Nguyễn Thị Hằng, Ñandú, Łódź, Šťastný"
OTHERS = "Ωmega Жанна"
ARABIC = "محمد علي"
CJK = "王小明"
EMOJI = "🎉"


def pdf_text(client, agreement) -> str:
    response = client.get(reverse("dashboard:agreement_pdf", args=[agreement.pk]))
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Arabic comes back in its joined presentation forms, in display order.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_a_report_prints_latin_greek_cyrillic_and_arabic(client, coordinator):
    agreement = AgreementFactory(
        title=f"Kemitraan {LATIN}", objectives_short_term=f"{OTHERS} — {ARABIC}"
    )
    client.force_login(coordinator)
    text = pdf_text(client, agreement)
    assert LATIN in text
    assert OTHERS in text
    assert ARABIC in text  # drawn joined, right to left; read back in reading order
    assert pdf.MISSING not in text


def test_characters_the_font_lacks_fall_back_visibly(client, coordinator):
    agreement = AgreementFactory(
        title="Kemitraan Budi", objectives_short_term=f"Ketua {CJK} {EMOJI} Santoso"
    )
    client.force_login(coordinator)
    text = pdf_text(client, agreement)
    assert "Ketua [?] [?] Santoso" in text


def test_a_report_is_drawn_in_an_embedded_unicode_font(client, coordinator):
    agreement = AgreementFactory(title="Kemitraan")
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:agreement_pdf", args=[agreement.pk]))
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    # Embedded (a subset, hence the "AAAAAA+" tag), so any reader draws the same glyphs.
    assert any(name.endswith("+DejaVuSans") for name in fonts), fonts
    assert any(name.endswith("+DejaVuSans-Bold") for name in fonts), fonts
