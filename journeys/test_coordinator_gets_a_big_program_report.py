"""Journey 8b. A coordinator prints the report of a big program as PDF. Its tables are over
the threshold (set low here), so the PDF is drawn by the worker as an export: the request
answers at once with the export's page, which turns to "ready" by itself; she downloads
the PDF (the program's report), finds it under "My exports" and gets an e-mail. Another
coordinator who is handed the link gets nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import COORDINATOR
from dashboard.models import Export
from factories import (
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from journeys.conftest import PASSWORD, assert_fits, choose_language, open_menu
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

PAIRS = 4


@pytest.fixture
def big_program(settings):
    settings.KADER_REPORT_PDF_BACKGROUND_ROWS = 3
    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    UserFactory(username="budi", first_name="Budi", password=PASSWORD, role=COORDINATOR)
    program = ProgramFactory(name="Magang Kader Pesisir", status="running")
    for _ in range(PAIRS):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program))
        EvaluationFactory(agreement=None, mentorship=pair)
    return program


def test_a_coordinator_gets_a_big_program_report_as_pdf_from_the_worker(
    stack, big_program, journey_page, new_page, width, screenshot
):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "sari")
    choose_language(page, "en")
    page.goto(stack.url + big_program.get_absolute_url())
    page.get_by_test_id("report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Magang Kader Pesisir")
    # Its pairs' evaluations (and those the planning added for them): over the threshold.
    assert page.get_by_test_id("evaluations").locator("tbody tr").count() >= PAIRS

    page.get_by_test_id("pdf").click()
    page.wait_for_url("**/exports/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Program report")
    assert_fits(page, width)
    # The page fetches its status again by itself until the worker is done.
    expect(page.get_by_test_id("export-ready")).to_have_text(
        "Your report is ready.", timeout=60_000
    )
    screenshot(page, f"report-pdf-ready-{width}")
    assert_fits(page, width)
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename.startswith("kader-program_report-")
    assert download.value.suggested_filename.endswith(".pdf")
    body = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Magang Kader Pesisir" in text and "Evaluations" in text
    # Back to the report from the export's page.
    page.get_by_role("link", name="Back to Program report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Magang Kader Pesisir")

    # Her exports list the report.
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_test_id("my-exports").click()
    expect(page.get_by_test_id("export-row")).to_have_count(1)
    expect(page.get_by_test_id("export-row")).to_contain_text("Program report")
    expect(page.get_by_test_id("export-row")).to_contain_text("PDF")

    # She was told by e-mail, once.
    export = Export.objects.get()
    assert (export.file_format, export.query) == ("pdf", f"pk={big_program.pk}")
    assert stack.wait_for(lambda: len(stack.inbox.messages) == 1, timeout=15)
    mail = stack.inbox.messages[0].get_body(("plain",)).get_content()
    assert f"/exports/{export.pk}/" in mail and "Program report is ready." in mail

    # Budi, another coordinator, opens her link: not found, and no file.
    other = new_page()
    other.goto(stack.url)
    log_in(other, "budi")
    for path in (export.get_absolute_url(), f"/exports/{export.pk}/download/"):
        assert other.goto(stack.url + path).status == 404
