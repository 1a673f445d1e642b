"""In a real browser: a mentor fills in and submits an evaluation with indicator values
and an action item; the coordinator reviews it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.roles import COORDINATOR, MENTOR
from evaluations.models import Evaluation
from factories import AgreementFactory, EvaluationFactory, SuccessIndicatorFactory, UserFactory
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_submits_and_the_coordinator_reviews(page, live_server, screenshot):
    coordinator = UserFactory(username="sari", password="kader-demo", role=COORDINATOR)
    mentor = UserFactory(username="budi", password="kader-demo", role=MENTOR)
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    SuccessIndicatorFactory(agreement=agreement, name="Kader terlatih", baseline=0, target=40)
    evaluation = EvaluationFactory(
        agreement=agreement, evaluator=mentor, due_date=dt.date.today() + dt.timedelta(days=3)
    )

    log_in(page, "budi", site=live_server.url)
    page.locator("a[href='/evaluations/mine/']").first.click()
    due = page.get_by_test_id("due")
    due.locator(f"a[href='/evaluations/{evaluation.pk}/fill/']").click()
    page.locator("input[name='ind-0-actual']").fill("30")
    page.locator("select[name='rat-0-score']").select_option("4")
    page.locator("textarea[name=findings]").fill(
        "Pelatihan berjalan baik; mentoring perlu dijadwalkan."
    )
    page.locator("input[name='act-0-description']").fill("Jadwalkan mentoring bulanan")
    page.locator("select[name='act-0-owner']").select_option(str(mentor.pk))
    page.locator("input[name='act-0-due_date']").fill("2030-01-31")
    screenshot(page, "mentor-form")
    page.locator("button[name=submit]").click()
    page.wait_for_url(f"{live_server.url}/evaluations/{evaluation.pk}/")
    expect(page.get_by_test_id("indicator-results")).to_contain_text("75%")
    expect(page.get_by_test_id("action-items")).to_contain_text("Jadwalkan mentoring bulanan")
    screenshot(page, "mentor-report")

    page.context.clear_cookies()
    log_in(page, "sari", site=live_server.url)
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    page.locator("input[name=decision][value=accept]").check()
    page.locator("textarea[name=comment]").fill("Terima kasih, lengkap.")
    page.get_by_test_id("review").locator("button[type=submit]").click()
    expect(page.get_by_test_id("review-comment")).to_contain_text("Terima kasih, lengkap.")
    screenshot(page, "coordinator-reviewed")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.REVIEWED
    assert evaluation.reviewed_by == coordinator


def test_the_report_fits_a_360_px_phone(browser, live_server):
    mentor = UserFactory(username="budi", password="kader-demo", role=MENTOR)
    evaluation = EvaluationFactory(evaluator=mentor)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, "budi", site=live_server.url)
    for path in (
        f"/evaluations/{evaluation.pk}/",
        f"/evaluations/{evaluation.pk}/fill/",
        "/evaluations/mine/",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()
