"""Journey 3. A coordinator, in Bahasa Indonesia, reviews the evaluations mentors have
submitted: sends one back with what must change, accepts another and, in the same review,
gives the adjustment it agreed on to an owner as an action item. When its due date passes,
the daily reminder sweep runs on the worker and the owner, who reads English, gets the
reminder in English. The agreement's report and its PDF show the accepted evaluation and
its action item, now late."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import COORDINATOR, MENTOR
from evaluations.models import ActionItem, ReminderPreference
from factories import AgreementFactory, EvaluationFactory, UserFactory
from journeys.conftest import PASSWORD, assert_fits, open_menu_item
from journeys.conftest import translated as id_
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

SENT_BACK = "Kemitraan Kader Desa"
ACCEPTED = "Program Magang Industri"
ACTION = "Jadwalkan kunjungan pabrik bersama mitra"


@pytest.fixture
def submitted():
    """Two evaluations submitted last week by Budi. Ann, a coordinator at the partner who
    reads English, will own what the review agrees on."""
    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    budi = UserFactory(username="budi", first_name="Budi", last_name="Santoso", role=MENTOR)
    ann = UserFactory(
        username="ann",
        first_name="Ann",
        last_name="Walker",
        email="ann@example.org",
        role=COORDINATOR,
    )
    ReminderPreference.objects.create(user=ann, language="en")
    today = dt.date.today()
    period = {
        "period_start": today - dt.timedelta(days=100),
        "period_end": today - dt.timedelta(days=10),
        "due_date": today + dt.timedelta(days=4),
        "evaluator": budi,
        "status": "submitted",
        "submitted_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=7),
        "findings": "Magang berjalan; kunjungan mitra belum terjadwal.",
    }
    for title in (SENT_BACK, ACCEPTED):
        evaluation = EvaluationFactory(agreement=AgreementFactory(title=title), **period)
    return evaluation


def open_evaluation(page, title: str) -> None:
    open_menu_item(page, id_("Evaluations"))
    page.get_by_test_id("evaluation-table").get_by_role("link", name=title).click()
    expect(page.locator("body")).to_contain_text(title)


def review(page, decision: str, comment: str, action: dict | None = None) -> None:
    form = page.get_by_test_id("review")
    form.locator(f"input[name=decision][value={decision}]").check()
    form.locator("textarea[name=comment]").fill(comment)
    if action:
        form.locator("input[name=action]").fill(action["description"])
        owner = form.locator("select[name=action_owner]")
        chosen = owner.locator("option", has_text=action["owner"])
        owner.select_option(chosen.get_attribute("value"))
        form.locator("input[name=action_due_date]").fill(action["due_date"].isoformat())
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("review-comment")).to_contain_text(comment)


def sends_one_back(page, screenshot) -> None:
    open_evaluation(page, SENT_BACK)
    review(page, "send_back", "Tolong lengkapi nilai indikator kuartal ini.")
    expect(page.get_by_test_id("review")).to_have_count(0)  # back with the mentor
    expect(page.locator("body")).to_contain_text(id_("In progress"))
    screenshot(page, "sent-back")


def accepts_the_other(page, screenshot) -> None:
    open_evaluation(page, ACCEPTED)
    # Without an owner the item cannot be saved: she is told next to the field, and what
    # she typed is still there.
    form = page.get_by_test_id("review")
    form.locator("input[name=decision][value=accept]").check()
    form.locator("input[name=action]").fill(ACTION)
    form.locator("button[type=submit]").click()
    owner_error = page.locator("#id_action_owner").locator("xpath=..").locator(".invalid-feedback")
    expect(owner_error).to_contain_text(id_("Choose who will do it."))
    expect(page.locator("input[name=action]")).to_have_value(ACTION)
    expect(page.locator("body")).not_to_contain_text(id_("Reviewed"))
    screenshot(page, "review-refused")
    due = dt.date.today() + dt.timedelta(days=7)
    review(
        page,
        "accept",
        "Lengkap. Kunjungan pabrik dipantau lewat butir tindakan.",
        {"description": ACTION, "owner": "Ann Walker", "due_date": due},
    )
    expect(page.locator("body")).to_contain_text(id_("Reviewed"))
    owned = page.get_by_test_id("action-items").locator("li", has_text=ACTION)
    expect(owned).to_contain_text("Ann Walker")
    screenshot(page, "accepted")


def the_owner_is_reminded_in_english(stack, evaluation) -> None:
    # A week passes: the action item is due yesterday and not done. The worker's clock
    # cannot move, so the date does.
    ActionItem.objects.filter(description=ACTION).update(
        due_date=dt.date.today() - dt.timedelta(days=1)
    )
    # Beat's daily entry, published to the worker as beat publishes it.
    sweep = PeriodicTask.objects.get(task="evaluations.tasks.sweep_reminders")
    stack.run_task(sweep.task, *json.loads(sweep.args or "[]"), **json.loads(sweep.kwargs or "{}"))

    def to_ann():
        return [m for m in stack.inbox.messages if m["To"] == "ann@example.org"]

    assert stack.wait_for(to_ann, timeout=60), stack.worker.output()[-3000:]
    [mail] = to_ann()
    assert mail["Content-Language"] == "en"
    assert mail["Subject"].startswith("Action item past its due date")
    body = mail.get_body(("plain",)).get_content()
    assert "Hello Ann Walker," in body
    assert ACTION in body
    assert "An action item you own was due on" in body
    assert f"{stack.url}/evaluations/{evaluation.pk}/" in body  # she can follow it


def pdf_text(content: bytes) -> str:
    """The text a reader sees in a PDF, one space between words however a table cell
    wrapped them (pypdf reads the fonts' own maps, so an embedded font reads too)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def the_report_and_its_pdf_show_it(page, screenshot) -> None:
    open_menu_item(page, id_("Agreements"))
    page.get_by_role("link", name=ACCEPTED).click()
    page.get_by_test_id("report").click()
    evaluations = page.get_by_test_id("evaluations")
    expect(evaluations).to_contain_text(id_("Reviewed"))
    screenshot(page, "report")
    with page.expect_download() as download:
        page.get_by_test_id("pdf").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115 (Playwright's file)
    assert content.startswith(b"%PDF")
    drawn = pdf_text(content)
    assert ACCEPTED in drawn
    assert id_("Reviewed") in drawn
    # The adjustment agreed at the review, with its owner, is part of what is reported,
    # late since the week passed.
    item = page.get_by_test_id("action-items").locator("tr", has_text=ACTION)
    expect(item).to_contain_text("Ann Walker")
    expect(item).to_contain_text(id_("Late"))
    assert ACTION in drawn
    assert "Ann Walker" in drawn


def test_a_coordinator_reviews_evaluations(stack, submitted, journey_page, width, screenshot):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "sari")

    sends_one_back(page, screenshot)
    assert_fits(page, width)
    accepts_the_other(page, screenshot)
    assert_fits(page, width)
    the_owner_is_reminded_in_english(stack, submitted)
    the_report_and_its_pdf_show_it(page, screenshot)
    assert_fits(page, width)
