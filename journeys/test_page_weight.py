"""Issue 19, weight: what a page costs a mentor on prepaid data, measured in Chromium at
360 px against the live server, which serves static files as production does (collected,
hashed names, gzip and brotli, far-future cache headers: see `production_static` in the
root conftest.py).

Bytes are what Chromium received from the network (CDP `Network.loadingFinished`'s
encodedDataLength: headers and compressed bodies), so what came from the browser's cache
costs nothing. The figures are printed (`pytest -s`) and recorded in docs/performance.md.

- A mentor's first visit (the login page, logging in, their home) from an empty cache:
  under 150 KB. A later visit of their home, in a new tab: under 20 KB, and no static
  file is fetched again.
- A coordinator's dashboard and cadre directory from an empty cache: under 300 KB each.
- On a slow link (300 ms latency, 400 kbit/s both ways), the mentor's home, visited
  again, shows its content within 3 s.

The demo data (`seed_demo`) stands in for a real programme. No Celery worker: the
dashboard builds its figures in the request (the suite's default), so that its own
polling for figures does not count here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.roles import ROLES
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KB = 1024
PHONE = {"width": 360, "height": 760}
MENTOR_FIRST_BUDGET = 150 * KB
MENTOR_LATER_BUDGET = 20 * KB
COORDINATOR_FIRST_BUDGET = 300 * KB
SLOW_LINK = {
    "offline": False,
    "latency": 300,  # ms, added to each round trip
    "downloadThroughput": 400 * 1000 / 8,  # bytes per second
    "uploadThroughput": 400 * 1000 / 8,
}
USABLE_WITHIN = 3.0  # seconds


@pytest.fixture
def demo():
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", force=True, verbosity=0)


@dataclass
class Traffic:
    """What one tab fetched from the network, from Chromium's own account (CDP)."""

    urls: dict[str, str] = field(default_factory=dict)  # request id → URL
    received: dict[str, int] = field(default_factory=dict)  # URL → bytes
    from_cache: list[str] = field(default_factory=list)

    @classmethod
    def watch(cls, page) -> Traffic:
        traffic = cls()
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", traffic._sent)
        cdp.on("Network.requestServedFromCache", traffic._cached)
        cdp.on("Network.loadingFinished", traffic._finished)
        cdp.send("Network.enable")
        traffic.cdp = cdp
        return traffic

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _cached(self, event) -> None:
        self.from_cache.append(self.urls.get(event["requestId"], "?"))

    def _finished(self, event) -> None:
        url = self.urls.get(event["requestId"], "?")
        if event["encodedDataLength"] and url not in self.from_cache:
            self.received[url] = self.received.get(url, 0) + int(event["encodedDataLength"])

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def static_fetched(self) -> list[str]:
        return [url for url in self.received if "/static/" in url]

    def report(self, label: str) -> str:
        lines = [f"{label}: {self.total / KB:.1f} KB in {len(self.received)} responses"]
        lines += [f"  {size / KB:7.1f} KB  {url}" for url, size in sorted(self.received.items())]
        text = "\n".join(lines)
        print(text)
        return text


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")


def logged_in_tab(browser, live_server, username: str):
    """A fresh context (an empty cache), logged in, its cache emptied again."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, username, site=live_server.url)
    settle(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.detach()
    return context, page


def test_a_mentor_page_is_light_on_a_first_visit_and_on_a_later_one(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        first = Traffic.watch(page)
        log_in(page, "mentor", site=live_server.url)
        expect(page.get_by_test_id("mentees")).to_be_visible()
        settle(page)
        report = first.report("mentor, first visit (login page, log in, home)")
        assert first.total < MENTOR_FIRST_BUDGET, report

        # Later: the mentor opens Kader again, in a new tab of the same browser.
        home = page.url
        page.close()
        page = context.new_page()
        later = Traffic.watch(page)
        page.goto(home)
        expect(page.get_by_test_id("mentees")).to_be_visible()
        settle(page)
        report = later.report("mentor, later visit (home)")
        assert later.static_fetched() == [], report
        assert later.total < MENTOR_LATER_BUDGET, report
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/", "dashboard-title"), ("/programs/cadres/", "count")],
    ids=["dashboard", "cadre-directory"],
)
def test_a_coordinator_page_is_under_its_budget_on_a_first_visit(
    browser, live_server, demo, path, shown
):
    context, page = logged_in_tab(browser, live_server, "coordinator")
    try:
        first = Traffic.watch(page)
        page.goto(live_server.url + path)
        expect(page.get_by_test_id(shown)).to_be_visible()
        settle(page)
        report = first.report(f"coordinator, first visit of {path}")
        assert first.total < COORDINATOR_FIRST_BUDGET, report
    finally:
        context.close()


def test_the_mentor_home_is_usable_within_3_s_on_a_slow_link(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, "mentor", site=live_server.url)
        settle(page)
        home = page.url
        page.close()

        page = context.new_page()
        page.set_default_timeout(30_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
        started = time.monotonic()
        # Usable: its content shown, with its styles and scripts (DOMContentLoaded waits for them).
        page.goto(home, wait_until="domcontentloaded")
        expect(page.get_by_test_id("mentees")).to_be_visible(timeout=30_000)
        elapsed = time.monotonic() - started
        print(f"mentor home on a slow link, later visit: usable after {elapsed:.2f} s")
        assert elapsed < USABLE_WITHIN
    finally:
        context.close()
