"""Helpers shared by every app's tests; the fixtures built on them are in conftest.py.

- ``log_in(page, username, ...)``: a Playwright page logs in through the login form.
- ``SmtpServer`` and ``Inbox``: a real SMTP server (aiosmtpd) on 127.0.0.1 and what it got;
  the ``smtp`` fixture points the app's mail at one.
- ``free_port()``, ``database_url()``, ``wait_for()``: for tests that start other processes
  (a Celery worker, gunicorn) against the test database.
"""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.conf import settings

from devtools.demo import DEMO_PASSWORD

BASE_DIR = Path(__file__).resolve().parent
LOGIN_PATH = "/accounts/login/"


def log_in(
    page, username: str, password: str = DEMO_PASSWORD, *, site: str = "", next_url: str = ""
) -> None:
    """Fill the rendered login form, whatever the language, and wait to leave it.

    With `site` (a live server's URL), the page opens that site's login page first (with
    `next_url`); without it, the login page of the site the page shows, unless the page is
    on it already (a journey sent there with its `next`).
    """
    if site or LOGIN_PATH not in page.url:
        base = site or "/".join(page.url.split("/", 3)[:3])
        page.goto(base + LOGIN_PATH + (f"?next={quote(next_url)}" if next_url else ""))
    form = page.locator(f"form[action$='{LOGIN_PATH}']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: LOGIN_PATH not in url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Collects what the SMTP server accepted; `delay` slows each message down.

    `messages` are the parsed e-mails, `envelopes` what the server received (recipients,
    raw content).
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list = []
        self.envelopes: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: a slow, real SMTP server
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self, port: int, inbox: Inbox) -> None:
        self.port, self.inbox, self.controller = port, inbox, None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def database_url() -> str:
    """The test database, as a DATABASE_URL for another process."""
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{host}:{port}/{db['NAME']}"


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False
