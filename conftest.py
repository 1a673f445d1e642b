"""Personas and shared fixtures for every app's tests.

The personas: a coordinator, two mentors (A and B), an outsider who has an account but
no role, and an admin. Tests say which of them is trying what.

Set once for every test: the fast password hasher, the hypothesis profile, Indonesia's
regions in the database. Shared fixtures: `smtp` (a real SMTP server the app sends to),
`worker` (a Celery worker process), `as_coordinator`, the browser's `page`; the helpers
they use (`log_in` for a browser page among them) are in testkit.py.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.roles import COORDINATOR, MENTOR
from factories import PASSWORD, UserFactory
from testkit import (
    BASE_DIR,
    Inbox,
    ProviderImitation,
    SmtpServer,
    database_url,
    free_port,
    provider_env,
)

# Hypothesis profiles for the property-based tests over forms.
#
# "kader" (the default) keeps CI bounded and repeatable: 40 examples per property (10 until
# the hostile tester's findings), drawn from a fixed seed (derandomized), no deadline (a page
# can be slow on a loaded machine without being wrong). A gate that fails on a new random
# draw unrelated to the change is noise; finding new cases is the job of
# `HYPOTHESIS_PROFILE=thorough`, which draws many more examples at random, for a night run
# or after changing a form.
BOUNDED = {
    "database": None,
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
hypothesis_settings.register_profile("kader", max_examples=40, derandomize=True, **BOUNDED)
hypothesis_settings.register_profile("thorough", max_examples=300, **BOUNDED)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kader"))

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def pytest_configure(config) -> None:
    # Every persona's password is hashed when the test makes it: the real hasher (PBKDF2,
    # a million iterations) would spend most of a run hashing. Set once, for every test;
    # `real_password_hashers` gives a test production's, for a server in another process.
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=[FAST_HASHER]).enable()


REQUIRE_SERVICES = os.environ.get("KADER_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("KADER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "var" / "test-artifacts"


def need(condition: bool, what: str, how: str) -> None:
    """Skip when a real component is not configured; fail instead when CI requires it.

    `what` names the component, `how` what would turn the test on (an environment variable
    and its value, a package): the message says exactly that, never "not available" about a
    server that may well be running but that this run was not told to use.
    """
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"needs {what}, and KADER_REQUIRE_SERVICES=1 forbids skipping: {how}")
    pytest.skip(f"needs {what}: {how} (KADER_REQUIRE_SERVICES=1 makes this skip a failure)")


POSTGRES_HOW = "set DATABASE_URL=postgres://user@host:5432/name (it is not a postgres:// URL)"
REDIS_HOW = "set REDIS_URL=redis://host:6379/N (it is not set)"


def need_postgres(settings) -> None:
    need(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "PostgreSQL", POSTGRES_HOW)


def need_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    need(bool(url), "Redis", REDIS_HOW)
    return url


PROJECT_APPS = ("core", "accounts", "partners", "programs", "evaluations", "dashboard")
SET_UP = pytest.StashKey[bool]()


def replay_data_migrations() -> None:
    """Run our apps' data migrations again, in migration order.

    A transactional test (live server, real worker) ends with a flush that empties every
    table, including what data migrations put there: the role groups, Indonesia's regions,
    the beat schedules. The flush recreates content types and permissions, not these.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection)
    leaves = [node for node in loader.graph.leaf_nodes() if node[0] in PROJECT_APPS]
    seen = set()
    with connection.schema_editor(atomic=True) as editor:
        for leaf in leaves:
            for key in loader.graph.forwards_plan(leaf):
                if key in seen or key[0] not in PROJECT_APPS:
                    continue
                seen.add(key)
                for operation in loader.graph.nodes[key].operations:
                    if isinstance(operation, RunPython):
                        operation.code(apps, editor)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    outcome = yield
    # A test skipped or failed at setup never reached the flush: nothing to restore.
    item.stash[SET_UP] = outcome.excinfo is None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    # After every fixture of the test is finalised, so after the flush itself.
    yield
    marker = item.get_closest_marker("django_db")
    flushed = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    transactional = flushed or (marker and marker.kwargs.get("transaction"))
    if transactional and item.stash.get(SET_UP, False):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            replay_data_migrations()


@pytest.fixture(autouse=True)
def _empty_cache():
    # The dashboard keeps its figures in the cache (Redis when REDIS_URL is set, which
    # outlives a test and a test run): each test starts from nothing.
    from django.core.cache import caches

    for alias in ("default", "template_fragments"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _dashboard_built_in_request(settings):
    # Most tests read the dashboard's figures from the first request, with no worker
    # running; the background build of a cold dashboard (production's default) has its
    # own tests with a real worker (dashboard/tests/test_dashboard_worker.py).
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = True


@pytest.fixture(autouse=True)
def _static_storage(request, settings):
    # A page a browser loads from the live server links the collected files, as production
    # does (see `live_server`). Other tests render pages without collecting: plain names.
    if "live_server" in request.fixturenames:
        return
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def collected_static() -> Path:
    """STATIC_ROOT as production has it after `collectstatic` (hashed names, gzip and
    brotli copies, core/static.py); collected again only when a source file is newer than
    the last collection's manifest, since collecting costs a loaded machine 20 s."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    ignored = apps.get_app_config("staticfiles").ignore_patterns
    sources = (
        storage.path(path)
        for finder in finders.get_finders()
        for path, storage in finder.list(ignored)
    )
    if not manifest.exists() or max(map(os.path.getmtime, sources)) > manifest.stat().st_mtime:
        call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


def _as_is(handler):
    return handler


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, but its static files are served as in production:
    by WhiteNoise from the collected files (hashed names, compressed, cached for a year),
    not by Django's development handler, which serves the sources as they are, uncompressed
    and without a cache lifetime."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _as_is  # WhiteNoiseMiddleware answers /static/
    server.start()
    yield server
    server.stop()


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def regions(request) -> None:
    """Indonesia's provinces and cities, for every test that uses the database.

    A data migration loads them; a transactional test's flush (in any app's tests, or kept
    by a reused test database) removes them: put them back.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not DATABASE_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    from jurisdictions.regions import ensure_loaded as ensure_units
    from partners.regions import ensure_loaded

    ensure_loaded()
    ensure_units()


@pytest.fixture
def real_password_hashers(settings) -> None:
    """Production's password hashers, for passwords that a server in another process checks."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord", first_name="Sari", role=COORDINATOR)


@pytest.fixture
def mentor_a(db):
    return UserFactory(username="mentor_a", first_name="Budi", role=MENTOR)


@pytest.fixture
def mentor_b(db):
    return UserFactory(username="mentor_b", first_name="Dewi", role=MENTOR)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Orang")


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    client.cookies["kader_language"] = "en"  # assertions read the English msgids
    return client


@pytest.fixture
def postgres(settings) -> None:
    need_postgres(settings)


@pytest.fixture
def redis_url() -> str:
    return need_redis()


@pytest.fixture
def smtp(settings):
    """A real SMTP server the app sends to; `smtp.stop()`/`start()` take it down and up."""
    server = SmtpServer(free_port(), Inbox())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def _imitate(settings, kind: str):
    imitation = ProviderImitation(kind).start()
    pair = (imitation, None) if kind == "whatsapp" else (None, imitation)
    for name, value in provider_env(*pair).items():
        if value:
            setattr(settings, name, value)
    return imitation


@pytest.fixture
def whatsapp_api(settings):
    """An imitation of the WhatsApp Cloud API on 127.0.0.1; settings point at it."""
    imitation = _imitate(settings, "whatsapp")
    yield imitation
    imitation.stop()


@pytest.fixture
def sms_gateway(settings):
    """An imitation of the SMS gateway on 127.0.0.1; settings point at it."""
    imitation = _imitate(settings, "sms")
    yield imitation
    imitation.stop()


@pytest.fixture
def worker(request, postgres, redis_url, transactional_db):
    """A Celery worker on its own queue, against the test database (and the imitation
    providers, when the test uses them)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url}
    imitations = [
        request.getfixturevalue(name) if name in request.fixturenames else None
        for name in ("whatsapp_api", "sms_gateway")
    ]
    env |= provider_env(*imitations)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kader",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    need(
        Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None,
        "Chromium",
        f"no executable at {CHROMIUM}: `apt-get install chromium`, or set KADER_CHROMIUM "
        "to its path",
    )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async guard must stand aside for browser tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Save a screenshot under var/test-artifacts, named after the test."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, label: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
