"""The journey suite's stack: a person's whole job, in Chromium, against the real services.

Fixtures (reusable by every journey module):

- ``stack`` — the live server on PostgreSQL and Redis, with a Celery worker subprocess and
  an SMTP sink shared by the module. Using it makes the test transactional (the live
  server and the worker see what the test's factories create). It returns a ``Stack``:
  ``stack.url`` (the live server), ``stack.queue`` (the worker's queue; the live server's
  tasks are routed there too), ``stack.inbox`` (``testkit.Inbox``,
  emptied for each test), ``stack.run_task(name, *args, **kwargs)`` (publish a task to the
  worker by name, as beat does) and ``stack.wait_for(condition, timeout)``.
- ``width`` — parametrises a test over 360 px (a phone: ``is_mobile``, touch) and 1280 px.
- ``journey_page`` — a Playwright page in a fresh context at ``width``, Indonesian browser
  locale, 15 s default timeout. ``new_page()`` opens another person's page at the same
  width (a separate context, so separate cookies).
- ``screenshot`` (root conftest) — ``screenshot(page, label)`` under var/test-artifacts.

Helpers (plain functions, import them from ``journeys.conftest``; logging in is
``testkit.log_in(page, username)``, shared with the apps' browser tests):

- ``open_menu_item(page, name)`` clicks a main-menu link, opening the collapsed menu
  ("Buka menu" / "Open the menu") first at phone width.
- ``choose_language(page, code)`` presses the language switch in the menu.
- ``assert_fits(page, width)`` — nothing scrolls sideways.
- ``translated(msgid, language="id")`` — the text a person reading that language sees.
- ``age_dashboard_figures(user, minutes)`` — the dashboard's kept figures, made older.

Each person logs in with ``PASSWORD``; factories' users get it with
``UserFactory(password=PASSWORD)``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from conftest import need_postgres, need_redis
from testkit import Inbox, SmtpServer, database_url, free_port

BASE_DIR = Path(__file__).resolve().parents[1]
PASSWORD = "kader-demo"
WIDTHS = (360, 1280)


def wait_for(condition, timeout: float = 60, every: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


@dataclass
class Worker:
    """A Celery worker process on its own queue, against the test database."""

    queue: str
    env: dict
    log_path: Path
    process: subprocess.Popen | None = None
    log: object = field(default=None, repr=False)

    def start(self) -> None:
        self.log = open(self.log_path, "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kader",
                "worker",
                "--pool=solo",  # two cores for eight engineers: one task at a time
                "--queues",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        ready = wait_for(lambda: "ready." in self.output() or self.process.poll() is not None)
        assert ready and self.process.poll() is None, self.output()[-3000:]

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        print(self.output()[-3000:])  # shown by pytest when a journey failed
        self.log.close()
        self.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def services(django_db_setup, live_server):
    """One SMTP sink and one worker per module: starting a worker costs seconds."""
    need_postgres(django_settings)
    redis_url = need_redis()
    smtp = SmtpServer(free_port(), Inbox())
    smtp.start()
    queue = f"journeys-{uuid.uuid4().hex[:8]}"
    (BASE_DIR / "var").mkdir(exist_ok=True)
    worker = Worker(
        queue=queue,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "SITE_URL": live_server.url,  # links in e-mails lead to the live server
            "CONN_MAX_AGE": "0",  # the test's flush must not wait on the worker's connection
        },
        log_path=BASE_DIR / "var" / f"test-{queue}.log",
    )
    worker.start()
    yield smtp, worker
    worker.stop()
    smtp.stop()


@dataclass
class Stack:
    url: str
    queue: str
    inbox: Inbox
    worker: Worker

    def run_task(self, name: str, *args, **kwargs) -> None:
        from kader.celery import app

        app.send_task(name, args=args, kwargs=kwargs, queue=self.queue)

    wait_for = staticmethod(wait_for)


@pytest.fixture
def stack(services, live_server, transactional_db, settings) -> Stack:
    from kader.celery import app

    smtp, worker = services
    assert worker.process.poll() is None, "the Celery worker died: " + worker.output()[-3000:]
    smtp.inbox.messages.clear()
    # The live server runs in this process: its mail goes to the same sink as the worker's.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    # Production's default with Redis: a cold dashboard is built by the worker.
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = False
    settings.SITE_URL = live_server.url
    # Whatever the live server enqueues (reminders on submission, dashboard figures) goes
    # to this module's worker; the router reads the default queue at each publish.
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker.queue
    yield Stack(url=live_server.url, queue=worker.queue, inbox=smtp.inbox, worker=worker)
    app.conf.task_default_queue = default_queue


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


@pytest.fixture
def new_page(browser, width):
    """Open a page in a new browser context (its own cookies) at the test's width."""
    contexts = []

    def open_page():
        phone = width < 576
        context = browser.new_context(
            viewport={"width": width, "height": 760 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def journey_page(stack, new_page):
    return new_page()


# --- what a person does on every page ----------------------------------------------------


def open_menu(page) -> None:
    """At phone width the main menu hides behind its toggler: open it first."""
    toggler = page.locator("button.navbar-toggler")
    closed = toggler.count() and toggler.get_attribute("aria-expanded") != "true"
    if closed and toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()


def open_menu_item(page, name: str) -> None:
    open_menu(page)
    page.locator("#main-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def choose_language(page, code: str) -> None:
    open_menu(page)
    page.get_by_test_id(f"language-{code}").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def age_dashboard_figures(user, minutes: int) -> None:
    """Make the dashboard figures kept for `user` as old as they would be after `minutes`.

    A person takes many minutes over a journey, the test a few seconds, and the dashboard
    keeps its figures for minutes (its Refresh computes again only after one): without
    this, the dashboard at a journey's end shows the figures kept when it began.
    """
    from django.core.cache import cache
    from django.utils import timezone

    from dashboard import figures_cache
    from dashboard.figures import Scope

    key = figures_cache.cache_key(Scope(user=user, today=timezone.localdate()))
    figures = figures_cache.kept(Scope(user=user, today=timezone.localdate()))
    if figures is not None:
        figures["as_of"] -= dt.timedelta(minutes=minutes)
        cache.set(key, figures_cache._encode(figures), figures_cache.KEEP_SECONDS)


def translated(text: str, language: str = "id") -> str:
    """What a person reading `language` sees for an English msgid (Indonesian by default)."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


def assert_fits(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} px > {width} px"
