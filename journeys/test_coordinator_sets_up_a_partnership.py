"""Journey 1. A coordinator sets up a partnership from nothing: a new partner with two
contacts, a formal industry agreement with two indicators and its signed document, a
program under it, cadres imported from a spreadsheet, enrolled and paired (one with the
mentor the app suggests, one with a mentor found by typing; each mentor is told by e-mail),
evaluations planned — and sees all of it on the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.roles import COORDINATOR, MENTOR
from evaluations.planning import add_months
from factories import MentorProfileFactory, UserFactory
from journeys.conftest import (
    PASSWORD,
    age_dashboard_figures,
    assert_fits,
    choose_language,
    open_menu_item,
)
from partners.models import Province
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

# A signed agreement is a PDF: the smallest file the upload accepts as one.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PARTNER = "PT Maju Bersama"
AGREEMENT = "Program Magang Industri"
PROGRAM = "Magang Kader Industri"
CADRES = [
    ("Ayu Lestari", "ayu@example.org", "Jawa Barat", "Kota Bandung"),
    ("Bagus Wijaya", "bagus@example.org", "Jawa Barat", "Kabupaten Bogor"),
]


@pytest.fixture
def people():
    """The coordinator, and two mentors registered earlier; Budi fits the cadres best."""
    UserFactory(
        username="sari",
        first_name="Sari",
        last_name="Wulandari",
        password=PASSWORD,
        role=COORDINATOR,
    )
    jabar = Province.objects.get(name="Jawa Barat")
    budi = UserFactory(username="budi", first_name="Budi", last_name="Santoso", role=MENTOR)
    MentorProfileFactory(user=budi, expertise="manufaktur, public speaking", province=jabar)
    dewi = UserFactory(username="dewi", first_name="Dewi", last_name="Lestari", role=MENTOR)
    MentorProfileFactory(user=dewi, expertise="pertanian")


def spreadsheet(folder) -> str:
    """The cadres as the coordinator keeps them: an XLSX with Indonesian column names."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama", "Email", "Provinsi", "Kota"])
    for row in CADRES:
        sheet.append(list(row))
    path = folder / "kader-magang.xlsx"
    book.save(path)
    return str(path)


def add_partner(page, screenshot) -> None:
    open_menu_item(page, "Partners")
    page.get_by_role("link", name="New partner").first.click()
    page.locator("#id_name").fill(PARTNER)
    page.locator("#id_sector").select_option("company")
    page.locator("#id_status").select_option("active")
    page.locator("#id_province").select_option(label="Jawa Barat")
    page.locator("#id_region").select_option(label="Kota Bandung")
    page.locator("#id_brings_mentors").check()
    page.locator("#id_goals").fill("Mencetak pemimpin muda industri di Jawa Barat.")
    page.locator("#id_contacts-0-name").fill("Rina Kusuma")
    page.locator("#id_contacts-0-role").fill("Manajer CSR")
    page.locator("#id_contacts-0-email").fill("rina@maju.example")
    page.locator("#id_contacts-0-phone").fill("0812 3456 7890")
    page.get_by_role("button", name="Add another contact").click()
    page.locator("#id_contacts-1-name").fill("Joko Prasetyo")
    page.locator("#id_contacts-1-role").fill("Kepala HRD")
    page.locator("#id_contacts-1-email").fill("joko@maju.example")
    screenshot(page, "partner-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text(PARTNER)
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("Rina Kusuma")
    expect(contacts).to_contain_text("Joko Prasetyo")


def add_agreement(page, screenshot, start: dt.date) -> None:
    page.get_by_role("link", name="New agreement").click()
    page.locator("#id_title").fill(AGREEMENT)
    page.locator("#id_formality").select_option("formal")
    page.locator("#id_basis").select_option("industry")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(start.replace(year=start.year + 2).isoformat())
    page.locator("#id_evaluation_cadence").select_option("quarterly")
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
    expect(page.locator("h1")).to_contain_text(AGREEMENT)
    indicators = page.get_by_test_id("indicators")
    expect(indicators).to_contain_text("Kader menyelesaikan magang")
    expect(indicators).to_contain_text("Kader keluar sebelum selesai")


def sign_and_activate(page, screenshot) -> None:
    page.locator("#id_file").set_input_files(
        files=[{"name": "Perjanjian Magang.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_test_id("upload-form").get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("documents")).to_contain_text("Perjanjian Magang.pdf")
    page.get_by_test_id("activate").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Active")
    screenshot(page, "agreement-active")


def plan_evaluations(page) -> None:
    history = page.get_by_test_id("agreement-evaluations")
    history.get_by_role("button", name="Plan evaluations").click()
    expect(page.locator(".alert-success").first).to_contain_text("Evaluations planned")
    # The quarter that has ended and those ahead are listed, each with its due date.
    first = page.get_by_test_id("agreement-evaluations").locator("li").first
    expect(first).to_contain_text("due")
    expect(first).to_contain_text("Scheduled")


def add_program(page, screenshot, start: dt.date) -> None:
    open_menu_item(page, "Programs")
    page.get_by_role("link", name="New program").first.click()
    page.locator("#id_name").fill(PROGRAM)
    page.locator("#id_kind").select_option("practical")
    page.locator("#id_status").select_option("running")
    page.locator("#id_agreements-ts-control").click()
    page.keyboard.type("Magang")
    page.locator("#id_agreements-ts-dropdown .option", has_text=AGREEMENT).click()
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=180)).isoformat())
    page.locator("#id_capacity").fill("20")
    page.locator("#id_place").fill("Pabrik PT Maju Bersama, Bandung")
    screenshot(page, "program-form")
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_contain_text(PROGRAM)


def import_cadres(page, screenshot, sheet: str) -> None:
    open_menu_item(page, "Cadres")
    page.get_by_role("link", name="Import").first.click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(sheet)
    page.get_by_test_id("upload").click()
    page.get_by_test_id("check").click()
    expect(page.get_by_role("status")).to_contain_text("All 2 rows are ready to import.")
    screenshot(page, "import-preview")
    page.get_by_test_id("confirm").click()
    for name, *_ in CADRES:
        expect(page.get_by_role("link", name=name)).to_be_visible()


def enrol_and_pair(page, screenshot) -> None:
    open_menu_item(page, "Programs")
    page.get_by_role("link", name=PROGRAM).click()
    for name, _email, province, _city in CADRES:
        page.get_by_test_id("enrol").click()
        # Typed, not picked from a list: a program may take any of 1.2 million cadres.
        page.locator(".ts-control", has=page.locator("#id_cadre-ts-control")).click()
        with page.expect_response(lambda r: "/enrol/cadres/" in r.url and "q=" in r.url):
            page.keyboard.type(name.split()[0])
        page.locator("#id_cadre-ts-dropdown .option", has_text=f"{name} ({province})").click()
        page.get_by_label("Status").select_option("active")
        page.get_by_test_id("save").click()
        expect(page.locator(".alert-success").first).to_contain_text(f"{name} is enrolled.")
    expect(page.get_by_test_id("enrolment-count")).to_have_text("2")

    page.get_by_test_id("enrolments").locator("li", has_text="Ayu Lestari").get_by_role(
        "link", name="Pair a mentor"
    ).click()
    suggested = page.get_by_test_id("suggestions").locator("label").first
    expect(suggested).to_contain_text("Budi Santoso")  # same province, free places
    screenshot(page, "pairing")
    suggested.click()
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success").first).to_contain_text(
        "The mentor is paired with Ayu Lestari."
    )
    expect(page.get_by_test_id("enrolments").locator("li", has_text="Ayu Lestari")).to_contain_text(
        "Budi Santoso"
    )
    # Bagus gets Dewi, found by typing her name rather than picked from the suggestions.
    page.get_by_test_id("enrolments").locator("li", has_text="Bagus Wijaya").get_by_role(
        "link", name="Pair a mentor"
    ).click()
    other = page.get_by_test_id("other-mentor")
    # Opening the box lists the eligible mentors first, as a person sees before typing.
    with page.expect_response(lambda r: "/pair/mentors/?q=" in r.url):
        other.locator(".ts-control").click()
    with page.expect_response(lambda r: "/pair/mentors/" in r.url and "Dewi" in r.url):
        page.keyboard.type("Dewi")
    option = page.locator(".ts-dropdown .option", has_text="Dewi Lestari")
    expect(option).to_be_visible()
    screenshot(page, "pairing-by-typing")
    option.click()
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success").first).to_contain_text(
        "The mentor is paired with Bagus Wijaya."
    )
    bagus = page.get_by_test_id("enrolments").locator("li", has_text="Bagus Wijaya")
    expect(bagus).to_contain_text("Dewi Lestari")
    screenshot(page, "program")


def mentors_hear_of_their_mentees(stack) -> None:
    """Each mentor's new-mentee e-mail, through the outbox and the worker (in Indonesian,
    their default language)."""
    expected = {
        ("budi@example.org", "Mentee baru Anda: Ayu Lestari"),
        ("dewi@example.org", "Mentee baru Anda: Bagus Wijaya"),
    }

    def sent() -> set:
        return {(m["To"], m["Subject"]) for m in stack.inbox.messages}

    assert stack.wait_for(lambda: expected <= sent(), 60), sent()


def sees_it_on_the_dashboard(page, screenshot) -> None:
    age_dashboard_figures(User.objects.get(username="sari"), minutes=20)
    open_menu_item(page, "Home")
    # The figures shown are those kept when she logged in ("figures as of …"): opening the
    # page queues new ones for the worker, and she asks for them.
    page.get_by_test_id("refresh").click()
    expect(page.get_by_test_id("kpi-agreements-value")).to_have_text("1", timeout=60_000)
    expect(page.get_by_test_id("kpi-cadres-value")).to_have_text("2")
    # Formal × industry, the grid's first cell: the one agreement, and nothing elsewhere.
    expect(page.get_by_test_id("grid-1-1")).to_have_text("1")
    expect(page.get_by_test_id("grid-2-2")).to_have_text("0")
    expect(page.get_by_text("2 cadres, from candidate to leader.")).to_be_visible()
    # The agreement's first quarter ended ten days ago: its evaluation is due this week.
    expect(page.get_by_test_id("eval-due-week").locator(".kpi-value")).to_have_text("1")
    screenshot(page, "dashboard")


def test_a_coordinator_sets_up_a_partnership_from_nothing(
    stack, people, journey_page, width, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = journey_page
    today = dt.date.today()
    # Signed a quarter and ten days ago, recorded now: its first evaluation is due soon.
    signed = add_months(today - dt.timedelta(days=10), -3) + dt.timedelta(days=1)
    page.goto(stack.url)
    log_in(page, "sari")
    choose_language(page, "en")

    add_partner(page, screenshot)
    assert_fits(page, width)
    add_agreement(page, screenshot, start=signed)
    sign_and_activate(page, screenshot)
    plan_evaluations(page)
    assert_fits(page, width)
    add_program(page, screenshot, start=today)
    import_cadres(page, screenshot, spreadsheet(tmp_path))
    enrol_and_pair(page, screenshot)
    assert_fits(page, width)
    mentors_hear_of_their_mentees(stack)
    sees_it_on_the_dashboard(page, screenshot)
    assert_fits(page, width)
