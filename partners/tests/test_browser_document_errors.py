"""In a real browser: a document upload that fails leaves the coordinator on the
agreement's page, with the Agreements menu entry lit, the message under the file field
and the kind they picked still picked."""

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import AgreementFactory, UserFactory

from .conftest import EXE
from .test_browser import log_in_in_english

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_upload_stays_on_the_agreement_page(page, live_server, screenshot):
    UserFactory(username="coordinator", first_name="Sari", password="kader-demo", role=COORDINATOR)
    agreement = AgreementFactory(title="Kemitraan Magang Desa")
    log_in_in_english(page, live_server)
    page.goto(live_server.url + agreement.get_absolute_url())
    # Sari picks "Annex" and a program renamed .pdf, then presses Upload.
    form = page.get_by_test_id("upload-form")
    form.locator("#id_kind").select_option("annex")
    form.locator("#id_file").set_input_files(
        files=[{"name": "lampiran.pdf", "mimeType": "application/pdf", "buffer": EXE}]
    )
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("h1")).to_contain_text("Kemitraan Magang Desa")
    expect(page.locator(".nav-link.active")).to_have_text("Agreements")
    expect(page.locator("#error_1_id_file")).to_contain_text("Only PDF, PNG or JPEG")
    expect(page.get_by_test_id("upload-form").locator("#id_kind")).to_have_value("annex")
    screenshot(page, "document-upload-error")
