"""Issue 19, offline-first: a mentor on a phone (360 px) logs a session where there is no
signal. The form is kept on the phone (IndexedDB, static/js/offline.js) as "waiting to
send" and sent when the connection returns; the server saves it once whatever the retries
(core/offline.py); a draft it can no longer take is shown as not sent, in words, and kept;
logging out, or another person logging in, leaves nothing of it on the phone.

The pages come from the live server (http://localhost, a secure context: the service worker
and IndexedDB work there as on https)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.roles import MENTOR
from factories import MentorProfileFactory, MentorshipFactory, UserFactory
from journeys.conftest import PASSWORD, open_menu
from journeys.conftest import translated as id_
from programs import services
from programs.models import Session
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.services]

MENTEE = "Ayu Lestari"
TOPIC = "Musyawarah desa tanpa sinyal"
PHONE = pytest.mark.parametrize("width", [360], ids=["360px"])
SLOW_LINK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}

# The drafts kept on the phone, counted without offline.js (and without creating the
# database when it is gone).
COUNT_DRAFTS = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes("kader-offline")) { return 0; }
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open("kader-offline");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  if (!db.objectStoreNames.contains("drafts")) { db.close(); return 0; }
  const count = await new Promise((resolve) => {
    const req = db.transaction("drafts").objectStore("drafts").count();
    req.onsuccess = () => resolve(req.result);
  });
  db.close();
  return count;
}"""
CACHES = "async () => (await caches.keys()).length"


def state(name: str) -> str:
    with translation.override("id"):
        return translation.pgettext("offline draft", name)


def mentor(username: str, first_name: str) -> MentorshipFactory:
    user = UserFactory(username=username, first_name=first_name, password=PASSWORD, role=MENTOR)
    return MentorshipFactory(
        mentor=MentorProfileFactory(user=user),
        enrolment__cadre__full_name=MENTEE if username == "budi" else "Sari Wulandari",
        started_on=dt.date.today() - dt.timedelta(days=60),
    )


@pytest.fixture
def pair():
    """Budi mentors Ayu."""
    return mentor("budi", "Budi")


def opens_kader(page, site: str) -> None:
    """Budi logs in; his home registers the service worker, which keeps his pages."""
    log_in(page, "budi", PASSWORD, site=site, next_url="/programs/mentor/")
    expect(page.get_by_test_id("mentees")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # Under the worker now: the session form is fetched through it, and kept.
    page.get_by_test_id("log-session").click()
    expect(page.locator("#id_mentorship")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("mentees")).to_be_visible()


def fills_in_a_session(page) -> None:
    page.locator("#id_mentorship").select_option(label=MENTEE)
    page.locator("#id_duration_minutes").fill("45")
    page.locator("#id_topics").fill(TOPIC)
    page.locator("#id_notes").fill("Dicatat di balai desa, tanpa sinyal.")
    page.get_by_test_id("save").click()


def logs_a_session_offline(page) -> None:
    page.context.set_offline(True)
    # No connection: the form comes from the service worker's copy.
    page.get_by_test_id("log-session").click()
    expect(page.locator("#id_mentorship")).to_be_visible()
    fills_in_a_session(page)
    expect(page.get_by_test_id("offline-kept")).to_contain_text(
        id_(
            "No connection: this is kept on your phone and will be sent when the "
            "connection returns."
        )
    )
    draft = page.get_by_test_id("offline-draft")
    expect(draft).to_have_count(1)
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Waiting to send"))
    expect(draft).to_contain_text(MENTEE)


def sessions() -> int:
    return Session.objects.filter(topics=TOPIC).count()


@PHONE
def test_a_session_logged_offline_is_sent_once_when_the_connection_returns(
    stack, new_page, pair, screenshot
):
    page = new_page()
    opens_kader(page, stack.url)
    logs_a_session_offline(page)
    screenshot(page, "offline-session-waiting")
    assert sessions() == 0

    # Budi closes the tab; later, with a signal again, he opens Kader.
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(stack.url + "/programs/mentor/")
    draft = page.get_by_test_id("offline-draft")
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Sent"))
    screenshot(page, "offline-session-sent")
    assert sessions() == 1
    session = Session.objects.get(topics=TOPIC)
    assert (session.mentorship, session.duration_minutes) == (pair, 45)

    # Opening Kader again sends nothing twice.
    page.reload()
    expect(page.get_by_test_id("mentees")).to_be_visible()
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Sent"))
    assert sessions() == 1


@PHONE
def test_a_send_whose_answer_is_lost_is_saved_once_after_the_retry(stack, new_page, pair):
    page = new_page()
    opens_kader(page, stack.url)

    # The post reaches the server, which saves the session; the answer never comes back.
    def lose_the_answer(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        try:
            route.fetch()
            route.abort("connectionreset")
        except PlaywrightError:
            # The browser gave the request up first ("Route is already handled!", seen once
            # in CI at 360 px): its answer is lost all the same. The count below still says
            # whether the server saved it.
            pass

    page.route("**/programs/sessions/new/", lose_the_answer)
    page.get_by_test_id("log-session").click()
    fills_in_a_session(page)
    draft = page.get_by_test_id("offline-draft")
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Waiting to send"))
    assert sessions() == 1
    page.unroute("**/programs/sessions/new/")

    # The next page opened sends the draft again, with the same key: still one session.
    page.goto(stack.url + "/programs/mentor/")
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Sent"))
    assert sessions() == 1
    page.reload()
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Sent"))
    assert sessions() == 1


@PHONE
def test_a_draft_for_a_mentee_who_moved_on_is_shown_as_not_sent_and_kept(
    stack, new_page, pair, screenshot
):
    page = new_page()
    opens_kader(page, stack.url)
    logs_a_session_offline(page)

    # Meanwhile the coordinator gives Ayu to another mentor.
    services.mentorship_end(mentorship=pair)
    MentorshipFactory(enrolment=pair.enrolment)

    page.context.set_offline(False)
    page.goto(stack.url + "/programs/mentor/")
    draft = page.get_by_test_id("offline-draft")
    expect(draft.get_by_test_id("draft-state")).to_have_text(state("Not sent"))
    expect(draft.get_by_test_id("draft-reason")).to_contain_text(
        id_(
            "This mentee is no longer yours to log: the mentoring has ended or passed to "
            "another mentor."
        )
    )
    screenshot(page, "offline-session-refused")
    assert sessions() == 0

    # Still there on the next visit, with its text to copy; then Budi discards it.
    page.reload()
    expect(draft).to_have_count(1)
    expect(draft.get_by_test_id("draft-copy")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    draft.get_by_test_id("draft-discard").click()
    expect(draft).to_have_count(0)
    assert page.evaluate(COUNT_DRAFTS) == 0


@PHONE
def test_logging_out_leaves_no_draft_and_no_cached_page(stack, new_page, pair):
    page = new_page()
    opens_kader(page, stack.url)
    logs_a_session_offline(page)
    assert page.evaluate(COUNT_DRAFTS) == 1
    assert page.evaluate(CACHES) > 0

    page.context.set_offline(False)
    page.goto(stack.url + "/programs/mentor/")
    # The draft, sent now, is still listed on the phone (as sent).
    expect(page.get_by_test_id("offline-draft")).to_have_count(1)
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/**")
    page.wait_for_function(f"({COUNT_DRAFTS})().then((n) => n === 0)")
    page.wait_for_function(f"({CACHES})().then((n) => n === 0)")
    assert page.evaluate(COUNT_DRAFTS) == 0
    assert page.evaluate(CACHES) == 0


@PHONE
def test_another_mentor_logging_in_on_the_phone_never_sees_the_drafts(stack, new_page, pair):
    mentor("dewi", "Dewi")
    page = new_page()
    opens_kader(page, stack.url)
    logs_a_session_offline(page)

    # Budi's login ends without logging out (the session cookie is gone) while his draft
    # waits; with a signal again, Dewi logs in on the same phone.
    page.context.clear_cookies(name="sessionid")
    page.context.set_offline(False)
    log_in(page, "dewi", PASSWORD, site=stack.url, next_url="/programs/mentor/")
    expect(page.get_by_test_id("mentees")).to_contain_text("Sari Wulandari")
    page.wait_for_function(f"({COUNT_DRAFTS})().then((n) => n === 0)")
    expect(page.get_by_test_id("offline-draft")).to_have_count(0)
    expect(page.get_by_test_id("offline-drafts")).to_be_hidden()
    # Budi's draft never reached the server under Dewi's name either.
    page.reload()
    expect(page.get_by_test_id("mentees")).to_be_visible()
    assert sessions() == 0


@PHONE
def test_the_mentor_home_is_usable_within_3_s_on_a_slow_link_later(stack, new_page, pair):
    page = new_page()
    opens_kader(page, stack.url)
    context = page.context
    page.close()

    page = context.new_page()
    page.set_default_timeout(30_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    started = time.monotonic()
    page.goto(stack.url + "/programs/mentor/", wait_until="domcontentloaded")
    expect(page.get_by_test_id("mentees")).to_be_visible(timeout=30_000)
    elapsed = time.monotonic() - started
    print(f"mentor home on a slow link, later visit with the service worker: {elapsed:.2f} s")
    assert elapsed < 3.0
