"""In a real browser: a coordinator registers a partner with a contact, records a formal
agreement with two indicators, uploads its signed PDF and activates it."""

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import UserFactory
from partners.models import Agreement, Partner
from testkit import log_in

from .conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_in_english(page, live_server) -> None:
    log_in(page, "coordinator", site=live_server.url)
    # English, as a user who chose it (the switch itself is tested in kader/).
    page.context.add_cookies([{"name": "kader_language", "value": "en", "url": live_server.url}])
    page.reload()


def test_a_coordinator_registers_a_partnership_end_to_end(page, live_server, screenshot):
    UserFactory(username="coordinator", first_name="Sari", password="kader-demo", role=COORDINATOR)
    log_in_in_english(page, live_server)

    # A partner with its first contact.
    page.get_by_role("link", name="Partners").first.click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_role("link", name="New partner").first.click()
    page.locator("#id_name").fill("PT Maju Bersama")
    page.locator("#id_sector").select_option("company")
    page.locator("#id_status").select_option("active")
    page.locator("#id_province").select_option(label="Jawa Barat")
    page.locator("#id_region").select_option(label="Kota Bandung")
    page.locator("#id_brings_mentors").check()
    page.locator("#id_brings_funding").check()
    page.locator("#id_goals").fill("Mencetak pemimpin muda industri di Jawa Barat.")
    page.locator("#id_contacts-0-name").fill("Rina Kusuma")
    page.locator("#id_contacts-0-role").fill("Manajer CSR")
    page.locator("#id_contacts-0-email").fill("rina@maju.example")
    page.locator("#id_contacts-0-phone").fill("0812 3456 7890")
    screenshot(page, "partner-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("PT Maju Bersama")
    expect(page.get_by_test_id("contacts")).to_contain_text("+62 812-3456-7890")
    screenshot(page, "partner-page")

    # A formal industry agreement with that partner and two indicators.
    page.get_by_role("link", name="New agreement").click()
    page.locator("#id_title").fill("Program Magang Industri 2026")
    page.locator("#id_formality").select_option("formal")
    page.locator("#id_basis").select_option("industry")
    page.locator("#id_start_date").fill("2026-01-01")
    page.locator("#id_end_date").fill("2027-12-31")
    expect(page.locator("#id_parties-0-partner")).to_have_value(str(Partner.objects.get().pk))
    page.locator("#id_parties-0-role").fill("Tuan rumah magang")
    page.locator("#id_indicators-0-name").fill("Kader menyelesaikan magang")
    page.locator("#id_indicators-0-unit").fill("orang")
    page.locator("#id_indicators-0-target").fill("30")
    page.locator("#id_indicators-1-name").fill("Kader keluar sebelum selesai")
    page.locator("#id_indicators-1-unit").fill("%")
    page.locator("#id_indicators-1-baseline").fill("20")
    page.locator("#id_indicators-1-target").fill("5")
    page.locator("#id_indicators-1-direction").select_option("lower")
    screenshot(page, "agreement-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("indicators")).to_contain_text("Kader keluar sebelum selesai")

    # Activating before the signed document is refused; after the upload it works.
    page.get_by_test_id("activate").click()
    expect(page.locator(".alert-danger").first).to_contain_text("signed document")
    page.locator("#id_file").set_input_files(
        files=[{"name": "Perjanjian Magang.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_test_id("upload-form").get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("documents")).to_contain_text("Perjanjian Magang.pdf")
    page.get_by_test_id("activate").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Active")
    screenshot(page, "agreement-active")
    agreement = Agreement.objects.get()
    assert agreement.status == "active"
    assert agreement.indicators.count() == 2

    page.get_by_role("link", name="Agreements").first.click()
    expect(page.get_by_test_id("agreement-table")).to_contain_text("Program Magang Industri 2026")
    screenshot(page, "agreement-list")


def test_the_register_fits_a_360_px_phone(browser, live_server, screenshot):
    from django.contrib.auth.models import Group

    from accounts.roles import ROLES
    from devtools import demo

    for role in ROLES:  # a transactional test starts without the migration's groups
        Group.objects.get_or_create(name=role)
    demo.seed()  # its coordinator's password is kader-demo
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in_in_english(page, live_server)
    partner = Partner.objects.get(name="PT Telekomunikasi Nusantara")
    agreement = Agreement.objects.get(title="Program Magang Talenta Digital")
    pages = {
        "phone-partner-list": "/partners/",
        "phone-partner-page": partner.get_absolute_url(),
        "phone-partner-form": f"/partners/{partner.pk}/edit/",
        "phone-agreement-list": "/partners/agreements/",
        "phone-agreement-page": agreement.get_absolute_url(),
        "phone-agreement-form": f"/partners/agreements/{agreement.pk}/edit/",
    }
    for label, path in pages.items():
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, label
        screenshot(page, label)
    context.close()
