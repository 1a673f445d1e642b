"""Journey 8. A coordinator exports the filtered cadre directory as XLSX. The list is big
(over the threshold, set low here), so the request answers at once with the export's page;
the worker writes the file while the page shows its progress, the page turns to "ready" by
itself, she downloads the file, reads exactly the filtered cadres in it, finds the export
under "My exports", and gets an e-mail."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from dashboard.models import Export
from factories import CadreFactory, UserFactory
from journeys.conftest import PASSWORD, assert_fits, choose_language, open_menu, open_menu_item
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

CANDIDATES = sorted(f"Calon Kader {i:02}" for i in range(12))
ALUMNI = ["Alumni Satu", "Alumni Dua"]


@pytest.fixture
def directory(settings):
    settings.KADER_EXPORT_BACKGROUND_ROWS = 5
    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    for name in CANDIDATES:
        CadreFactory(full_name=name, stage="candidate")
    for name in ALUMNI:
        CadreFactory(full_name=name, stage="alumni")


def filters_the_candidates(page) -> None:
    open_menu_item(page, "Cadres")
    toggle = page.get_by_role("button", name="Search and filters")
    if toggle.is_visible():
        toggle.click()
    page.locator("#id_stage").select_option("candidate")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("count")).to_have_text(str(len(CANDIDATES)))


def test_a_coordinator_exports_the_filtered_directory_in_the_background(
    stack, directory, journey_page, width, screenshot
):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "sari")
    choose_language(page, "en")
    filters_the_candidates(page)

    page.get_by_test_id("export-cadres-xlsx").click()
    page.wait_for_url("**/exports/*/")
    status = page.get_by_test_id("export-status")
    expect(status).to_be_visible()
    screenshot(page, f"export-progress-{width}")
    assert_fits(page, width)

    # The page fetches its status again by itself until the worker is done.
    expect(page.get_by_test_id("export-ready")).to_contain_text(
        f"Your export is ready: {len(CANDIDATES)} rows.", timeout=60_000
    )
    screenshot(page, f"export-ready-{width}")
    assert_fits(page, width)
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename.startswith("kader-cadres-")
    body = Path(download.value.path()).read_bytes()  # a temporary name without .xlsx
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Full name", "E-mail")
    assert [row[0] for row in rows[1:]] == CANDIDATES

    # Her exports are listed under her name in the menu.
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_test_id("my-exports").click()
    expect(page.get_by_test_id("export-row")).to_have_count(1)
    expect(page.get_by_test_id("export-row")).to_contain_text("Ready")
    screenshot(page, f"my-exports-{width}")
    assert_fits(page, width)

    # And she was told by e-mail.
    export = Export.objects.get()
    assert stack.wait_for(lambda: len(stack.inbox.messages) == 1, timeout=15)
    assert f"/exports/{export.pk}/" in stack.inbox.messages[0].get_body(("plain",)).get_content()
