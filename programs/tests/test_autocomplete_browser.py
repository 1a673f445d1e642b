"""In Chromium: a filter's autocomplete asks the server for matches as the user types."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import CadreFactory, PartnerFactory, ProgramFactory, UserFactory
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_partner_by_typing_and_filters_the_directory(page, live_server, screenshot):
    UserFactory(username="coordinator", password="kader-demo", role=COORDINATOR)
    for i in range(40):
        PartnerFactory(name=f"Mitra Lain {i:02d}")
    tunas = PartnerFactory(name="Yayasan Tunas Muda")
    CadreFactory(full_name="Siti Rahma", home_partner=tunas)
    CadreFactory(full_name="Budi Santoso")

    log_in(page, "coordinator", site=live_server.url)
    page.goto(live_server.url + "/programs/cadres/")

    # The page itself lists no partner: the options come from the lookup as one types.
    assert page.locator("select#id_partner option").count() == 1
    before = page.locator("#filters button[type=submit]").bounding_box()
    control = page.locator(".ts-wrapper", has=page.locator("#id_partner-ts-control"))
    with page.expect_response(lambda r: "/partners/lookup/?q=" in r.url):
        control.locator(".ts-control").click()  # the first 20 partners, on focus
    with page.expect_response(lambda r: "/partners/lookup/" in r.url and "Tunas" in r.url):
        page.keyboard.type("Tunas")
    option = page.locator(".ts-dropdown .option", has_text="Yayasan Tunas Muda")
    expect(option).to_be_visible()
    screenshot(page, "autocomplete")
    option.click()
    # Choosing does not move the row: "Apply" is where it was (one click submits).
    apply = page.locator("#filters button[type=submit]")
    assert apply.bounding_box() == before
    apply.click()
    page.wait_for_url(re.compile(rf"/programs/cadres/\?.*partner={tunas.pk}\b"))
    expect(page.get_by_role("link", name="Siti Rahma")).to_be_visible()
    expect(page.get_by_role("link", name="Budi Santoso")).to_have_count(0)
    # The chosen partner is shown again after the reload, without listing the others.
    expect(page.locator(".ts-wrapper", has_text="Yayasan Tunas Muda").first).to_be_visible()


def test_a_coordinator_adds_a_partner_to_a_program_by_typing(page, live_server):
    coordinator = UserFactory(username="coordinator", password="kader-demo", role=COORDINATOR)
    program = ProgramFactory(name="Sekolah Kader Desa", coordinator=coordinator)
    for i in range(30):
        PartnerFactory(name=f"Mitra Lain {i:02d}")
    bank = PartnerFactory(name="Bank Daerah Sulawesi")

    log_in(page, "coordinator", site=live_server.url)
    page.goto(live_server.url + f"/programs/{program.pk}/edit/")

    # The form lists none of the 31 partners; the program's partners are searched for.
    assert page.locator("select#id_partners option").count() == 0
    page.locator("#id_partners-ts-control").click()
    with page.expect_response(lambda r: "/partners/lookup/" in r.url and "Bank" in r.url):
        page.keyboard.type("Bank")
    page.locator("#id_partners-ts-dropdown .option", has_text="Bank Daerah Sulawesi").click()
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(live_server.url + f"/programs/{program.pk}/")
    assert list(program.partners.all()) == [bank]
