"""Journey 2. A mentor, on a phone or at a desk, in Bahasa Indonesia: sees the mentee the
coordinator paired them with, logs a session, sets a development goal and records its
progress, fills in and submits the mentorship's evaluation, and sees it as submitted."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.roles import MENTOR
from evaluations.models import Evaluation
from factories import MentorProfileFactory, MentorshipFactory, UserFactory
from journeys.conftest import PASSWORD, assert_fits, open_menu_item
from journeys.conftest import translated as id_
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

MENTEE = "Ayu Lestari"
PROGRAM = "Bimbingan Pemimpin Komunitas"


@pytest.fixture
def new_mentee():
    """The coordinator has just paired Budi with Ayu; her mid-point evaluation is his."""
    budi = UserFactory(
        username="budi", first_name="Budi", last_name="Santoso", password=PASSWORD, role=MENTOR
    )
    today = dt.date.today()
    pair = MentorshipFactory(
        mentor=MentorProfileFactory(user=budi),
        enrolment__cadre__full_name=MENTEE,
        enrolment__program__name=PROGRAM,
        started_on=today - dt.timedelta(days=60),
    )
    # Pairing planned the mid-point evaluation; it falls due within the week.
    midpoint = Evaluation.objects.get(mentorship=pair, kind="midpoint", evaluator=budi)
    midpoint.due_date = today + dt.timedelta(days=6)
    midpoint.save(update_fields=["due_date"])
    return pair


def sees_the_new_mentee(page) -> None:
    expect(page.locator("h1")).to_have_text(id_("My mentees"))
    mentee = page.get_by_test_id("mentees").locator("li", has_text=MENTEE)
    expect(mentee).to_contain_text(PROGRAM)
    expect(mentee).to_contain_text(id_("Not met yet"))


def logs_a_session(page, screenshot) -> None:
    page.get_by_test_id("log-session").click()
    page.locator("#id_mentorship").select_option(label=MENTEE)
    page.locator("#id_date").fill(dt.date.today().isoformat())
    page.locator("#id_duration_minutes").fill("45")
    page.locator("input[name=mode][value=phone]").check()
    page.locator("#id_topics").fill("Latihan pidato musyawarah desa")
    page.locator("#id_next_steps").fill("Memimpin rapat RT minggu depan")
    screenshot(page, "session-form")
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_contain_text(MENTEE)
    sessions = page.get_by_test_id("sessions")
    expect(sessions).to_contain_text("Latihan pidato musyawarah desa")
    expect(sessions).to_contain_text(id_("Phone"))
    expect(sessions).to_contain_text("45")


def sets_a_goal_and_its_progress(page, screenshot) -> None:
    page.get_by_role("link", name=id_("Add a goal")).click()
    page.locator("#id_title").fill("Berani berbicara di depan umum")
    page.locator("#id_target_date").fill((dt.date.today() + dt.timedelta(days=90)).isoformat())
    page.locator("#id_progress").fill("10")
    page.get_by_test_id("save").click()
    goal = page.get_by_test_id("goals").locator("li", has_text="Berani berbicara")
    expect(goal).to_contain_text("10%")

    goal.get_by_role("link", name=id_("Update")).click()
    page.locator("#id_progress").fill("40")
    page.locator("#id_progress_note").fill("Sudah memimpin satu rapat RT")
    page.get_by_test_id("save").click()
    goal = page.get_by_test_id("goals").locator("li", has_text="Berani berbicara")
    expect(goal).to_contain_text("40%")
    expect(goal).to_contain_text("Sudah memimpin satu rapat RT")
    expect(goal.locator("progress")).to_have_attribute("value", "40")
    screenshot(page, "mentee-page")


def fills_in_and_submits_the_evaluation(page, screenshot) -> None:
    open_menu_item(page, id_("My evaluations"))
    due = page.get_by_test_id("due")
    expect(due).to_contain_text(MENTEE)
    due.locator("a[href$='/fill/']").first.click()
    expect(page.locator("h1")).to_have_text(id_("Fill in the evaluation"))
    form = page.get_by_test_id("evaluation-form")
    for score, factor in ((4, "communication"), (5, "trust"), (3, "leadership")):
        rating = form.locator(f"[data-testid=rating-{factor}]")
        rating.locator("select").select_option(str(score))
    form.locator("textarea[name=findings]").fill(
        "Ayu hadir di setiap sesi dan mulai memimpin rapat RT; perlu latihan menulis."
    )
    form.locator("input[name='act-0-description']").fill("Latihan menulis notulen rapat")
    owner = form.locator("select[name='act-0-owner']")
    owner.select_option(owner.locator("option", has_text="Budi").first.get_attribute("value"))
    form.locator("input[name='act-0-due_date']").fill(
        (dt.date.today() + dt.timedelta(days=30)).isoformat()
    )
    screenshot(page, "evaluation-form")
    form.locator("button[name=submit]").click()
    page.wait_for_load_state()
    screenshot(page, "evaluation-after-submit")
    # Nothing the mentor entered is refused (the failure names what the page said) …
    refused = page.locator(".alert-danger, .invalid-feedback, .errorlist")
    assert refused.count() == 0, f"the form was refused: {refused.all_inner_texts()}"
    # … and the report shows it as it went to the coordinator.
    expect(page.locator("h1")).not_to_have_text(id_("Fill in the evaluation"))
    expect(page.get_by_text(id_("Submitted"), exact=True).first).to_be_visible()
    expect(page.get_by_test_id("action-items")).to_contain_text("Latihan menulis notulen rapat")
    screenshot(page, "evaluation-submitted")


def sees_it_as_submitted(page, midpoint: Evaluation) -> None:
    open_menu_item(page, id_("My evaluations"))
    done = page.get_by_test_id("done")
    expect(done).to_contain_text(MENTEE)
    expect(done).to_contain_text(id_("Submitted"))
    expect(done.locator(f"a[href='/evaluations/{midpoint.pk}/']")).to_have_count(1)
    # The mid-point is no longer waiting for him; the final evaluation, planned with it,
    # still is (so the due list is not simply empty).
    due = page.get_by_test_id("due")
    expect(due.locator(f"a[href='/evaluations/{midpoint.pk}/fill/']")).to_have_count(0)
    expect(due.locator("li", has_text=MENTEE)).to_have_count(1)


def test_a_mentor_works_with_a_new_mentee(stack, new_mentee, journey_page, width, screenshot):
    page = journey_page
    page.goto(stack.url)
    log_in(page, "budi")

    sees_the_new_mentee(page)
    assert_fits(page, width)
    logs_a_session(page, screenshot)
    assert_fits(page, width)
    sets_a_goal_and_its_progress(page, screenshot)
    fills_in_and_submits_the_evaluation(page, screenshot)
    assert_fits(page, width)
    sees_it_as_submitted(page, Evaluation.objects.get(mentorship=new_mentee, kind="midpoint"))
