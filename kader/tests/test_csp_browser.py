"""In Chromium, under the Content Security Policy: the main pages of each role load with
no CSP violation and no script error in the console (charts, htmx, Bootstrap)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "coordinator": [
        "/",
        "/partners/",
        "/partners/agreements/",
        "/partners/agreements/new/",
        "/programs/",
        "/programs/cadres/",
        "/programs/cadres/new/",
        "/programs/mentors/",
        "/programs/sessions/",
        "/evaluations/",
        "/evaluations/reminders/",
        "/calendar/",
    ],
    "mentor": ["/", "/programs/mentor/", "/programs/sessions/new/", "/evaluations/mine/"],
    "admin": ["/admin/", "/admin/partners/partner/", "/admin/partners/partner/add/"],
}


@pytest.fixture
def demo():
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", force=True, verbosity=0)


@pytest.mark.parametrize("username", sorted(PAGES))
def test_it_loads_the_main_pages_without_csp_violations(browser, live_server, demo, username):
    # Each role logs in through the login form and opens its main pages.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(message) -> None:
        # The admin's pages link no favicon: the browser's own /favicon.ico guess is fine.
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(f"{page.url}: {message.text} {message.location.get('url', '')}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill("kader-demo")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url
        for path in PAGES[username]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status < 400, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            # Open any dropdown so Bootstrap's JavaScript runs under the policy too.
            toggles = page.locator("[data-bs-toggle=dropdown]:visible")
            if toggles.count():
                toggles.first.click()
        if username == "coordinator":
            page.goto(live_server.url + "/")
            page.wait_for_load_state("networkidle")
            assert page.locator("canvas").count() > 0
    finally:
        context.close()
    assert not problems, "\n".join(problems)
