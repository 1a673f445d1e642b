"""In a real browser: the coordinator reads the dashboard, filters it by a partner type,
follows a number to its list, and exports that list."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.roles import ROLES
from dashboard.tests.test_dashboard_worker import cold_builds_on  # noqa: F401 (a fixture)
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    # A transactional test's flush also removed the roles the migration made (the regions
    # are put back by the root conftest's `regions`).
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", force=True, verbosity=0)


def test_it_filters_follows_a_number_and_exports_its_list(page, live_server, demo, screenshot):
    log_in(page, "coordinator", site=live_server.url)
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    expect(page.locator("canvas[data-chart='chart-pipeline']")).to_be_visible()
    screenshot(page, "dashboard-1280")

    page.get_by_test_id("filter-formality").select_option("formal")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**/?*formality=formal*")
    shown = int(page.get_by_test_id("kpi-agreements-value").inner_text())
    assert shown > 0

    page.get_by_test_id("kpi-agreements").click()
    page.wait_for_url("**/partners/agreements/?*")
    assert "formality=formal" in page.url and "status=active" in page.url
    expect(page.locator("table tbody tr")).to_have_count(shown)

    with page.expect_download() as download:
        page.get_by_test_id("export-agreements-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == shown
    assert all(row[3] in ("Formal", "formal") for row in rows)


def test_it_fits_a_phone_and_a_desktop(browser, live_server, demo, screenshot):
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        log_in(page, "coordinator", site=live_server.url)
        expect(page.locator("canvas[data-chart='chart-mentoring']")).to_be_visible()
        page.wait_for_timeout(600)  # let the charts' entry animation finish
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"dashboard-{width}")
        context.close()


def test_it_shows_a_mentor_their_month_on_a_phone(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    log_in(page, "mentor", site=live_server.url)
    page.wait_for_url("**/programs/mentor/")
    expect(page.get_by_test_id("mentor-summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "mentor-home-360")
    context.close()


def test_it_filters_by_a_program_found_by_typing(page, live_server, demo):
    from programs.models import Program

    program = Program.objects.order_by("name").last()
    log_in(page, "coordinator", site=live_server.url)
    # The page lists no program; the filter asks the program lookup as one types.
    assert page.locator("select#id_program option").count() == 1
    control = page.locator(".ts-wrapper", has=page.locator("#id_program-ts-control"))
    control.locator(".ts-control").click()
    word = program.name.split()[-1]
    page.keyboard.type(word)
    option = page.locator("#id_program-ts-dropdown .option", has_text=program.name).first
    expect(option).to_be_visible()
    option.click()
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(f"**/?*program={program.pk}*")
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    expect(page.locator("select#id_program option[selected]")).to_have_text(program.name)


def test_a_cold_dashboard_fills_in_when_the_worker_is_done(
    page,
    live_server,
    demo,
    cold_builds_on,  # noqa: F811
    screenshot,
):
    log_in(page, "coordinator", site=live_server.url, next_url="/?months=3")
    expect(page.get_by_test_id("computing")).to_be_visible()
    screenshot(page, "dashboard-computing")
    # htmx fetches the page again until the worker's figures are in, then draws the charts.
    expect(page.get_by_test_id("computing")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("as-of")).to_be_visible()  # the header's time came with them
    expect(page.locator("canvas[data-chart='chart-pipeline']")).to_be_visible()
    drawn = "Chart.getChart(document.querySelector(\"canvas[data-chart='chart-pipeline']\"))"
    assert page.evaluate(drawn + " !== undefined")
    assert int(page.get_by_test_id("kpi-agreements-value").inner_text()) > 0
