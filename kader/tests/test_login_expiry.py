"""A login that ends while someone types (issue 14): the page warns before the idle timeout
and "Keep me logged in" refreshes the login; a form posted after it ended is kept, and
after logging in again the same person gets it back, once, unsaved."""

import json
import re
import time

import pytest
from django.contrib.sessions.models import Session as StoredSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.login_expiry import DRAFT, DRAFT_MAX_BYTES
from accounts.security import LAST_SEEN
from factories import PASSWORD, EvaluationFactory, MentorshipFactory
from programs.models import Session

pytestmark = pytest.mark.django_db

FORM = reverse("programs:session_create")
KEPT = "Your login expired. Log in again: what you typed is kept."
GIVEN_BACK = "Your login expired; what you typed is kept — check and save again."
KEEP_ALIVE = reverse("keep_alive")


def logged_in(user, browser: Client | None = None, next_url: str = "") -> Client:
    """A browser that logged in through the login page (as a person does, not force_login)."""
    browser = browser or Client()
    data = {"username": user.username, "password": PASSWORD, "next": next_url}
    response = browser.post(reverse("login"), data)
    assert response.status_code == 302, response.content[:500]
    return browser


def idle_for(browser: Client, seconds: int) -> None:
    session = browser.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def typed(pair) -> dict:
    return {
        "mentorship": str(pair.pk),
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "mode": "phone",
        "attendance": "attended",
        "topics": "Latihan pidato musyawarah desa",
        "notes": "Ayu gugup di awal",
        "next_steps": "Memimpin rapat RT",
    }


def in_indonesian(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


def kept_draft(response) -> dict | None:
    found = re.search(
        r'<script id="kader-draft" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def pair(mentor_a):
    return MentorshipFactory(mentor__user=mentor_a)


# --- the warning and "Keep me logged in" --------------------------------------------------


def test_it_tells_the_page_how_long_the_login_has_left(mentor_a, settings):
    # Mentor A opens a form 10 minutes after their last request; the idle timeout is 30.
    settings.SESSION_IDLE_TIMEOUT = 1800
    browser = logged_in(mentor_a)
    idle_for(browser, 600)
    html = browser.get(FORM).content.decode()
    # The request itself counts as activity: the whole timeout is left.
    left = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert 1795 <= left <= 1800
    assert 'data-warn-seconds="300"' in html
    assert 'data-testid="keep-alive"' in html and "login_expiry.js" in html


def test_the_login_page_has_no_warning(client):
    html = client.get(reverse("login")).content.decode()
    assert 'id="login-expiry"' not in html


def test_keep_me_logged_in_refreshes_the_login(mentor_a, settings):
    # Mentor A has been idle 25 minutes and presses "Keep me logged in".
    settings.SESSION_IDLE_TIMEOUT = 1800
    browser = logged_in(mentor_a)
    idle_for(browser, 25 * 60)
    response = browser.post(KEEP_ALIVE)
    assert response.status_code == 200
    answer = response.json()
    assert answer["logged_in"] is True and answer["seconds_left"] >= 1795
    assert time.time() - browser.session[LAST_SEEN] < 5
    # Twenty more minutes later (45 since the last page), the form still opens.
    idle_for(browser, 20 * 60)
    assert browser.get(FORM).status_code == 200


def test_keep_me_logged_in_too_late_does_not_log_in(mentor_a, client, settings):
    # The idle timeout has already ended the login: the answer is the login page, not JSON.
    settings.SESSION_IDLE_TIMEOUT = 1800
    browser = logged_in(mentor_a)
    idle_for(browser, 31 * 60)
    response = browser.post(KEEP_ALIVE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # Nobody logged in at all: 401 for the script.
    assert client.post(KEEP_ALIVE).status_code == 401


def test_keep_me_logged_in_needs_a_post_with_its_token(mentor_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(mentor_a)
    assert browser.get(KEEP_ALIVE).status_code == 405
    assert browser.post(KEEP_ALIVE).status_code == 403


# --- the form posted after the login ended ------------------------------------------------


def test_a_form_posted_after_the_idle_timeout_comes_back_after_logging_in(mentor_a, pair):
    # Mentor A types a session for 35 minutes; the idle timeout (30) ends the login.
    browser = logged_in(mentor_a)
    browser.get(FORM)
    idle_for(browser, 35 * 60)
    response = browser.post(FORM, {**typed(pair), "csrfmiddlewaretoken": "x"})
    # Nothing is saved; they are sent to log in, told that what they typed is kept.
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={FORM}"
    assert not Session.objects.exists()
    login_page = browser.get(response["Location"])
    assert in_indonesian(KEPT) in [str(m) for m in login_page.context["messages"]]

    # They log in again and land on the form: it holds what they typed, unsaved.
    logged_in(mentor_a, browser, next_url=FORM)
    page = browser.get(FORM)
    draft = kept_draft(page)
    assert draft["topics"] == ["Latihan pidato musyawarah desa"]
    assert draft["duration_minutes"] == ["45"] and draft["mode"] == ["phone"]
    assert "csrfmiddlewaretoken" not in draft
    shown = [str(m) for m in page.context["messages"]]
    assert shown == [in_indonesian(GIVEN_BACK)]
    assert not Session.objects.exists()
    # Once: the next visit is a blank form again.
    assert kept_draft(browser.get(FORM)) is None
    # Saving it again works as any post.
    assert browser.post(FORM, typed(pair)).status_code == 302
    assert Session.objects.get().topics == "Latihan pidato musyawarah desa"


def test_a_form_posted_after_the_session_was_deleted_comes_back(mentor_a, pair):
    # The session is gone from the store (its age ran out, or it was ended): the post
    # meets login_required; the signed cookie says who was logged in on this browser.
    browser = logged_in(mentor_a)
    browser.get(FORM)
    StoredSession.objects.all().delete()
    response = browser.post(FORM, typed(pair))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    logged_in(mentor_a, browser, next_url=FORM)
    assert kept_draft(browser.get(FORM))["notes"] == ["Ayu gugup di awal"]


def test_another_user_logging_in_never_sees_the_draft(mentor_a, mentor_b, pair):
    # Mentor A's login expires mid-form on a shared computer; mentor B logs in there.
    browser = logged_in(mentor_a)
    idle_for(browser, 35 * 60)
    browser.post(FORM, typed(pair), follow=True)  # to the login page
    logged_in(mentor_b, browser, next_url=FORM)
    page = browser.get(FORM)
    assert kept_draft(page) is None
    assert "Latihan pidato" not in page.content.decode()
    assert not page.context["messages"]
    # It is dropped, not kept for later: A logging in afterwards gets nothing either.
    assert DRAFT not in browser.session
    browser.post(reverse("logout"))
    logged_in(mentor_a, browser, next_url=FORM)
    assert kept_draft(browser.get(FORM)) is None


def test_passwords_are_never_kept(mentor_a):
    browser = logged_in(mentor_a)
    idle_for(browser, 35 * 60)
    browser.post(FORM, {"topics": "x", "new_password1": "secret", "old_password": "secret"})
    assert browser.session[DRAFT]["fields"] == {"topics": ["x"]}


def test_an_oversized_post_is_not_kept(mentor_a):
    browser = logged_in(mentor_a)
    idle_for(browser, 35 * 60)
    response = browser.post(FORM, {"topics": "x" * (DRAFT_MAX_BYTES + 1)})
    assert response.status_code == 302
    assert DRAFT not in browser.session


def test_a_post_from_another_site_plants_no_draft(mentor_a, pair):
    # A forged post (no CSRF token) reaches an expired login: nothing is kept.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(mentor_a)
    idle_for(browser, 35 * 60)
    response = browser.post(FORM, typed(pair))
    assert response.status_code == 302
    assert DRAFT not in browser.session


def test_a_draft_waits_while_the_person_passes_other_pages(mentor_a, pair):
    # After logging in they open their mentees first, then the form: it is still there.
    browser = logged_in(mentor_a)
    idle_for(browser, 35 * 60)
    browser.post(FORM, typed(pair))
    logged_in(mentor_a, browser)
    assert kept_draft(browser.get(reverse("programs:mentor_home"))) is None
    assert kept_draft(browser.get(FORM))["topics"] == ["Latihan pidato musyawarah desa"]


def test_the_evaluation_form_and_its_rows_come_back_too(mentor_a, pair):
    # Mentor A writes findings and an action item; the login ends before "Save".
    evaluation = EvaluationFactory(
        agreement=None, mentorship=pair, kind="midpoint", evaluator=mentor_a
    )
    fill = reverse("evaluations:evaluation_fill", args=[evaluation.pk])
    browser = logged_in(mentor_a)
    assert browser.get(fill).status_code == 200
    idle_for(browser, 35 * 60)
    written = {"findings": "Ayu hadir di setiap sesi", "act-0-description": "Latihan notulen"}
    response = browser.post(fill, {**written, "save": ""})
    assert response["Location"] == f"{reverse('login')}?next={fill}"
    logged_in(mentor_a, browser, next_url=fill)
    draft = kept_draft(browser.get(fill))
    assert draft["findings"] == ["Ayu hadir di setiap sesi"]
    assert draft["act-0-description"] == ["Latihan notulen"]
    evaluation.refresh_from_db()
    assert evaluation.findings == ""
