"""Journey 6. A district coordinator in Kota Bandung does a day's work and never meets
another district's people: the lists and the search show only Bandung's partners and
cadres, a new cadre lands in Bandung by default, the export holds only Bandung's rows, a
Kabupaten Bogor cadre's address answers "page not found", and the dashboard counts Bandung;
she is offered no office to narrow her lists to (she has one). Meanwhile the provincial
coordinator of Jawa Barat sees both districts, and narrows the directory to Kabupaten Bogor
by typing its name into the Office filter, then, in Indonesian, clears the filters and
finds a cadre by name."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import CadreFactory, PartnerFactory, UserFactory
from journeys.conftest import (
    PASSWORD,
    age_dashboard_figures,
    assert_fits,
    choose_language,
    open_menu_item,
)
from jurisdictions.models import Unit
from partners.models import Province, Region
from programs.models import Cadre
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

OWN_CADRES = ["Ayu Lestari", "Citra Maharani"]
FOREIGN_CADRE = "Bagus Wijaya"
OWN_PARTNER = "Karang Taruna Cibeunying"
FOREIGN_PARTNER = "Koperasi Tani Cibinong"
NEW_CADRE = "Dimas Pratama"


@pytest.fixture
def districts():
    """Two sibling districts of Jawa Barat, each with its coordinator, partner and cadres."""
    jabar = Province.objects.get(code="32")
    bandung_city = Region.objects.get(code="32.73")
    bogor_regency = Region.objects.get(code="32.01")
    bandung = Unit.objects.get(code="32.73")
    bogor = Unit.objects.get(code="32.01")
    UserFactory(
        username="nina", first_name="Nina", password=PASSWORD, role=COORDINATOR, unit=bandung
    )
    UserFactory(username="yusuf", password=PASSWORD, role=COORDINATOR, unit=bogor)
    UserFactory(username="ratna", password=PASSWORD, role=COORDINATOR, unit="32")
    PartnerFactory(name=OWN_PARTNER, province=jabar, region=bandung_city, unit=bandung)
    PartnerFactory(name=FOREIGN_PARTNER, province=jabar, region=bogor_regency, unit=bogor)
    for name in OWN_CADRES:
        CadreFactory(full_name=name, province=jabar, city=bandung_city, unit=bandung)
    foreign = CadreFactory(full_name=FOREIGN_CADRE, province=jabar, city=bogor_regency, unit=bogor)
    return foreign


def lists_show_only_bandung(page) -> None:
    open_menu_item(page, "Cadres")
    table = page.locator("table")
    for name in OWN_CADRES:
        expect(table).to_contain_text(name)
    expect(table).not_to_contain_text(FOREIGN_CADRE)
    expect(page.get_by_test_id("count")).to_have_text(str(len(OWN_CADRES)))
    # One office: nothing to narrow to.
    expect(page.locator("#id_office")).to_have_count(0)
    # Searching for the other district's cadre by name finds nobody. On a phone the
    # search sits behind its button.
    toggle = page.get_by_role("button", name="Search and filters")
    if toggle.is_visible():
        toggle.click()
    page.locator("#id_q").fill("Bagus")
    page.locator("#id_q").press("Enter")
    expect(page.get_by_test_id("empty")).to_be_visible()

    open_menu_item(page, "Partners")
    expect(page.locator("main")).to_contain_text(OWN_PARTNER)
    expect(page.locator("main")).not_to_contain_text(FOREIGN_PARTNER)


def adds_a_cadre_in_bandung(page, screenshot) -> None:
    open_menu_item(page, "Cadres")
    page.get_by_role("link", name="New cadre").click()
    # The unit offered first is her own district; she cannot choose another district's.
    unit = page.locator("#id_unit")
    expect(unit.locator("option:checked")).to_contain_text("Kota Bandung")
    expect(unit.locator("option", has_text="Kabupaten Bogor")).to_have_count(0)
    page.locator("#id_full_name").fill(NEW_CADRE)
    page.locator("#id_email").fill("dimas@example.org")
    page.locator("#id_province").select_option(label="Jawa Barat")
    page.locator("#id_city").select_option(label="Kota Bandung")
    screenshot(page, "district-cadre-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text(NEW_CADRE)
    expect(page.locator("main")).to_contain_text("Kota Bandung")
    saved = Cadre.objects.get(full_name=NEW_CADRE)
    assert saved.unit.code == "32.73" and saved.city.code == "32.73"


def opens_a_foreign_cadre(page, stack, foreign) -> None:
    response = page.goto(f"{stack.url}/programs/cadres/{foreign.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(FOREIGN_CADRE)


def exports_only_bandung(page) -> None:
    open_menu_item(page, "Cadres")
    with page.expect_download() as download:
        page.get_by_test_id("export-cadres-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    names = {row[0] for row in csv.reader(io.StringIO(text))}
    assert {*OWN_CADRES, NEW_CADRE} <= names
    assert FOREIGN_CADRE not in text


def dashboard_counts_bandung(page, screenshot) -> None:
    age_dashboard_figures(User.objects.get(username="nina"), minutes=20)
    open_menu_item(page, "Home")
    page.get_by_test_id("refresh").click()
    expect(page.get_by_test_id("kpi-cadres-value")).to_have_text("3", timeout=60_000)
    screenshot(page, "district-dashboard")


def test_a_district_coordinator_keeps_to_their_district(
    stack, districts, journey_page, new_page, width, screenshot
):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "nina")
    choose_language(page, "en")

    lists_show_only_bandung(page)
    assert_fits(page, width)
    adds_a_cadre_in_bandung(page, screenshot)
    assert_fits(page, width)
    opens_a_foreign_cadre(page, stack, districts)
    exports_only_bandung(page)
    dashboard_counts_bandung(page, screenshot)
    assert_fits(page, width)

    # The province's coordinator sees both districts, Nina's new cadre included.
    province = new_page()
    province.goto(stack.url)
    log_in(province, "ratna")
    choose_language(province, "en")
    open_menu_item(province, "Cadres")
    table = province.locator("table")
    for name in [*OWN_CADRES, NEW_CADRE, FOREIGN_CADRE]:
        expect(table).to_contain_text(name)
    narrows_to_bogor(province, width, screenshot)
    searches_again_in_indonesian(province, width, screenshot)


def narrows_to_bogor(page, width, screenshot) -> None:
    toggle = page.get_by_role("button", name="Search and filters")
    if toggle.is_visible():
        toggle.click()
    # Opening the box lists her offices first; typing narrows them.
    with page.expect_response(lambda r: "/offices/lookup/" in r.url):
        page.locator("#id_office + .ts-wrapper .ts-control").click()
    page.keyboard.type("Bogor")
    option = page.locator("#id_office-ts-dropdown .option", has_text="Kabupaten Bogor (32.01)")
    expect(option).to_be_visible()
    # Only Jawa Barat's offices are offered: not Kota Bogor's namesakes elsewhere.
    expect(page.locator("#id_office-ts-dropdown .option", has_text="(33.")).to_have_count(0)
    option.click()
    page.get_by_role("button", name="Apply").click()
    table = page.locator("table")
    expect(table).to_contain_text(FOREIGN_CADRE)
    for name in [*OWN_CADRES, NEW_CADRE]:
        expect(table).not_to_contain_text(name)
    expect(page.get_by_test_id("count")).to_have_text("1")
    screenshot(page, "province-narrowed-to-an-office")
    assert_fits(page, width)


def searches_again_in_indonesian(page, width, screenshot) -> None:
    choose_language(page, "id")
    # The office she chose is still applied, so the filters stand open even on a phone.
    page.get_by_role("link", name="Bersihkan").click()
    table = page.locator("table")
    for name in [*OWN_CADRES, NEW_CADRE, FOREIGN_CADRE]:
        expect(table).to_contain_text(name)
    toggle = page.get_by_role("button", name="Pencarian dan saringan")
    if toggle.is_visible():
        toggle.click()
    page.locator("#id_q").fill("Citra")
    page.get_by_role("button", name="Terapkan").click()
    expect(table).to_contain_text("Citra Maharani")
    expect(table).not_to_contain_text(FOREIGN_CADRE)
    expect(page.get_by_test_id("count")).to_have_text("1")
    screenshot(page, "province-searches-in-indonesian")
    assert_fits(page, width)
