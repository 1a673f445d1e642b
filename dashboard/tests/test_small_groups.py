"""Background (diversity) counts under 5 are hidden on every page that shows them, through
one rule (programs.reporting.suppress): the program page, its report, the report's PDF and
the dashboard."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from dashboard import pdf
from factories import EnrolmentFactory, ProgramFactory
from programs.models import CadreBackground
from programs.reporting import SMALL_GROUP, hidden_label, suppress

HIDDEN = hidden_label()


@pytest.fixture
def program(coordinator):
    """Six cadres answered: one lives with a disability, five do not."""
    program = ProgramFactory(name="Sekolah Kader Inklusif")
    for disability in ["yes"] + ["no"] * 5:
        CadreBackground.objects.create(
            cadre=EnrolmentFactory(program=program).cadre,
            disability=disability,
            consent_given_on=dt.date(2026, 1, 1),
            consent_recorded_by=coordinator,
        )
    return program


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&lt;", "<")


def test_it_hides_small_counts_and_the_one_that_would_give_them_away():
    assert SMALL_GROUP == 5 and HIDDEN == "< 5"
    assert suppress([12, 7, 0]) == [12, 7, 0]
    assert suppress([1, 5, 0]) == [None, None, 0]  # 1 = 6 − 5: hide the 5 too


def test_it_hides_a_lone_disability_on_the_program_page(client, coordinator, program):
    # The coordinator opens the program: one cadre with a disability is not shown as "1".
    client.cookies["kader_language"] = "en"
    client.force_login(coordinator)
    page = text(client.get(program.get_absolute_url()).content.decode())
    assert f"Yes: {HIDDEN}" in page
    assert "Yes: 1" not in page and "No: 5" not in page


def test_it_hides_a_lone_disability_in_the_report_and_its_pdf(
    client, coordinator, program, monkeypatch
):
    client.cookies["kader_language"] = "en"
    client.force_login(coordinator)
    page = text(client.get(reverse("dashboard:program_report", args=[program.pk])).content.decode())
    assert f"Yes {HIDDEN}" in page and "Yes 1" not in page
    # What the PDF prints, read from its paragraphs (whatever font draws them).
    printed = []
    paragraph = pdf.Paragraph
    monkeypatch.setattr(
        pdf, "Paragraph", lambda t, *a, **k: printed.append(t) or paragraph(t, *a, **k)
    )
    response = client.get(reverse("dashboard:program_pdf", args=[program.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    lines = [line for line in printed if "disability" in line]
    assert lines and f"Yes: {HIDDEN.replace('<', '&lt;')}" in lines[0], lines
    assert "Yes: 1" not in lines[0]


def test_it_hides_a_lone_disability_on_the_dashboard(client, coordinator, program):
    client.cookies["kader_language"] = "en"
    client.force_login(coordinator)
    page = text(client.get(reverse("home")).content.decode())
    section = page[page.index("Sekolah Kader Inklusif 6") :]
    assert f"Yes {HIDDEN}" in section[:600]
    assert "Yes 1" not in page
