"""In a real browser: a coordinator logs in, switches the language, and logs out."""

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_switches_language_and_logs_out(page, live_server, screenshot):
    UserFactory(username="coordinator", first_name="Sari", password="kader-demo", role=COORDINATOR)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Masuk ke Kader"
    page.get_by_label("Nama pengguna").fill("coordinator")
    page.get_by_label("Sandi").fill("kader-demo")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Dasbor program"
    screenshot(page, "home-id")

    page.get_by_test_id("language-en").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Programme dashboard"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en")

    page.locator("#user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/")
    assert page.locator("h1").inner_text() == "Log in to Kader"


def test_it_fits_a_360_px_phone(browser, live_server, screenshot):
    UserFactory(username="mentor", password="kader-demo")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill("mentor")
    page.get_by_label("Sandi").fill("kader-demo")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(live_server.url + "/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    # The menu folds behind the toggler; the user menu opens inside it.
    assert page.locator("#user-menu").is_hidden()
    page.get_by_role("button", name="Buka menu").click()
    page.locator("#user-menu").click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    screenshot(page, "phone-menu")
    context.close()
