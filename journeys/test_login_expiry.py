"""Journey 4. A mentor, on a phone or at a desk, in Bahasa Indonesia, logs a session slowly:
the page warns before the idle timeout and "Keep me logged in" lets them go on; later the
login ends anyway while they type (the session is gone from the server). They press save,
log in again, find the form as they left it, save it, and see the session logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session as StoredSession
from playwright.sync_api import expect

from accounts.roles import MENTOR
from factories import MentorProfileFactory, MentorshipFactory, UserFactory
from journeys.conftest import PASSWORD, assert_fits
from journeys.conftest import translated as id_
from programs.models import Session
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

MENTEE = "Ayu Lestari"
TOPICS = "Latihan pidato musyawarah desa"
NEXT_STEPS = "Memimpin rapat RT minggu depan"


@pytest.fixture
def mentee():
    budi = UserFactory(username="budi", first_name="Budi", password=PASSWORD, role=MENTOR)
    return MentorshipFactory(
        mentor=MentorProfileFactory(user=budi),
        enrolment__cadre__full_name=MENTEE,
        started_on=dt.date.today() - dt.timedelta(days=60),
    )


def starts_a_session(page) -> None:
    page.get_by_test_id("log-session").click()
    expect(page.locator("h1")).to_have_text(id_("Log a session"))
    page.locator("#id_mentorship").select_option(label=MENTEE)
    page.locator("#id_duration_minutes").fill("45")
    page.locator("input[name=mode][value=phone]").check()
    page.locator("#id_topics").fill(TOPICS)


def is_warned_and_keeps_going(page, width, screenshot) -> None:
    # Twenty-six quiet minutes (of the page's clock) later: the warning, before the 30.
    warning = page.get_by_test_id("login-expiry")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("26:00")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(id_("Keep me logged in"))
    assert_fits(page, width)
    screenshot(page, "warning")
    warning.get_by_test_id("keep-alive").click()
    expect(warning).to_be_hidden()
    # What was typed is untouched by the warning.
    expect(page.locator("#id_topics")).to_have_value(TOPICS)


def loses_the_login_while_typing(page, screenshot) -> None:
    page.locator("#id_next_steps").fill(NEXT_STEPS)
    # The login ends on the server (its age ran out, or it was ended) while they type.
    StoredSession.objects.all().delete()
    screenshot(page, "before-save")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/accounts/login/**")
    expect(page.locator("#main .alert-warning")).to_contain_text(
        id_("Your login expired. Log in again: what you typed is kept.")
    )
    assert not Session.objects.exists()


def finds_the_form_as_they_left_it(page, screenshot) -> None:
    log_in(page, "budi")
    expect(page.locator("h1")).to_have_text(id_("Log a session"))
    expect(page.locator("#main .alert-warning")).to_contain_text(
        id_("Your login expired; what you typed is kept — check and save again.")
    )
    expect(page.locator("#id_topics")).to_have_value(TOPICS)
    expect(page.locator("#id_next_steps")).to_have_value(NEXT_STEPS)
    expect(page.locator("#id_duration_minutes")).to_have_value("45")
    expect(page.locator("input[name=mode][value=phone]")).to_be_checked()
    selected = page.locator("#id_mentorship option:checked")
    expect(selected).to_have_text(MENTEE)
    screenshot(page, "form-given-back")
    assert not Session.objects.exists()  # given back unsaved


def saves_and_sees_it_logged(page) -> None:
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_contain_text(MENTEE)
    sessions = page.get_by_test_id("sessions")
    expect(sessions).to_contain_text(TOPICS)
    expect(sessions).to_contain_text(id_("Phone"))
    assert Session.objects.get().next_steps == NEXT_STEPS


def test_a_mentor_loses_nothing_when_the_login_expires(
    stack, mentee, journey_page, width, screenshot
):
    page = journey_page
    page.clock.install()
    page.goto(stack.url)
    log_in(page, "budi")

    starts_a_session(page)
    is_warned_and_keeps_going(page, width, screenshot)
    loses_the_login_while_typing(page, screenshot)
    finds_the_form_as_they_left_it(page, screenshot)
    assert_fits(page, width)
    saves_and_sees_it_logged(page)
