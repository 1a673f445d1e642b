"""Journey 5. An admin, in Django admin: finds who changed an agreement's end date and
when, then corrects the province of a cadre registered in the wrong one."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR
from factories import AgreementFactory, CadreFactory, UserFactory
from journeys.conftest import PASSWORD, open_menu_item
from journeys.conftest import translated as id_
from partners.models import Province
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

AGREEMENT = "Program Magang Industri"
OLD_END, NEW_END = dt.date(2027, 12, 31), dt.date(2027, 6, 30)


@pytest.fixture
def changed():
    """Sari moved the agreement's end date six months earlier; Ayu was registered in
    Jawa Tengah although she lives in Jawa Barat."""
    UserFactory(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    sari = UserFactory(username="sari", first_name="Sari", last_name="Wulandari", role=COORDINATOR)
    agreement = AgreementFactory(title=AGREEMENT, start_date=dt.date(2026, 1, 1), end_date=OLD_END)
    agreement._history_user = sari  # as the history middleware records a request's user
    agreement.end_date = NEW_END
    agreement.save()
    CadreFactory(full_name="Ayu Lestari", province=Province.objects.get(name="Jawa Tengah"))


def open_admin_list(page, model_path: str, search: str) -> None:
    page.locator(f"a[href$='/admin/{model_path}/']").first.click()
    page.locator("#searchbar").fill(search)
    page.locator("#searchbar").press("Enter")
    page.locator("#result_list").get_by_role("link", name=search).first.click()


def finds_who_changed_the_end_date(page, screenshot) -> None:
    open_admin_list(page, "partners/agreement", AGREEMENT)
    page.locator("a.historylink").click()
    history = page.locator("#change-history")
    change = history.locator("tbody tr", has_text="sari").first
    # The change itself, old → new, by whom and when (today).
    expect(change).to_contain_text("2027-12-31")
    expect(change).to_contain_text("2027-06-30")
    expect(change).to_contain_text(str(dt.date.today().year))
    screenshot(page, "agreement-history")


def corrects_the_province(page, screenshot) -> None:
    page.locator("a[href$='/admin/']").first.click()
    open_admin_list(page, "programs/cadre", "Ayu Lestari")
    page.locator("#id_province").select_option(label="Jawa Barat")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Ayu Lestari")
    row = page.locator("#result_list tbody tr", has_text="Ayu Lestari")
    expect(row).to_contain_text("Jawa Barat")
    screenshot(page, "cadre-corrected")


def test_an_admin_finds_a_change_and_corrects_a_cadre(stack, changed, journey_page, screenshot):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "root")
    open_menu_item(page, id_("Administration"))
    expect(page.locator("#site-name")).to_be_visible()

    # Django admin's own tables (the history) scroll sideways on a phone, by its design:
    # the admin works there, but only the app's pages are held to the phone's width.
    finds_who_changed_the_end_date(page, screenshot)
    corrects_the_province(page, screenshot)
