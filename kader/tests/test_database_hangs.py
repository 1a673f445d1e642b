"""Faults under load, part two: a database that is unreachable, one that hangs, and a
statement that waits, while coordinators and mentors work and an evaluation (its findings,
indicator results, ratings and a new action item: several rows in one transaction) is
saved through its rendered fill form in the middle of each fault.

gunicorn (production settings) reaches the test database through a TCP proxy on
127.0.0.1 (kader/tests/faults.py, DatabaseProxy) which, in turn:
- refuses connections (nothing listens): PostgreSQL down or unreachable;
- cuts open connections and accepts new ones without ever answering: a failing-over load
  balancer or a frozen server; only DATABASE_CONNECT_TIMEOUT ends the wait;
- forwards, while another session holds a lock on the action items: the evaluation's
  transaction has written its first rows and waits; DATABASE_STATEMENT_TIMEOUT cancels it.

Asserted: no 500 anywhere, every failure the 503 "try again" page with Retry-After and
inside a fault window, no request waits longer than the timeouts allow, every session
answered with success is saved once, and the evaluation is saved whole or not at all —
the post made during the fault answers 503 and leaves the previous save intact, and the
same form sent again afterwards saves everything.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import factory
import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.roles import COORDINATOR, MENTOR
from conftest import ARTIFACTS
from core.testing import forms_in, pick
from evaluations.tests.test_worker import wait_for
from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SuccessIndicatorFactory,
    UserFactory,
)
from kader.tests.faults import PASSWORD, Browser, DatabaseProxy, Load
from kader.tests.test_faults_under_load import (
    COORDINATOR_PAGES,
    assert_every_success_was_saved,
)
from testkit import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CONNECT_TIMEOUT = 2  # libpq's minimum
STATEMENT_TIMEOUT = 3
FAULT = 5.0  # seconds each fault lasts
GRACE = 3.0  # seconds after a fault by which everything succeeds again
# The longest a request may take during a fault: a few connection attempts or one
# cancelled statement, never gunicorn's own timeout (30 s here).
SLOWEST = 3 * CONNECT_TIMEOUT + STATEMENT_TIMEOUT + 2


def direct_url() -> str:
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def proxy(postgres):
    server = DatabaseProxy(int(settings.DATABASES["default"].get("PORT") or 5432), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def people(postgres, real_password_hashers) -> dict:
    """Two mentors with two mentees each, a coordinator reading, and an evaluator with an
    agreement evaluation of two indicators (committed: gunicorn reads them)."""
    hashed = factory.Transformer.Force(make_password(PASSWORD))
    today = timezone.localdate()
    program = ProgramFactory()
    world = {"today": today.isoformat(), "mentors": {}}
    for n in range(2):
        user = UserFactory(username=f"mentor{n}", role=MENTOR, password=hashed)
        world["mentors"][user.username] = [
            {"id": m.pk, "url": m.get_absolute_url()}
            for m in (
                MentorshipFactory(enrolment__program=program, mentor__user=user, started_on=today)
                for _ in range(2)
            )
        ]
    UserFactory(username="coord", role=COORDINATOR, password=hashed)
    evaluator = UserFactory(username="evaluator", role=COORDINATOR, password=hashed)
    agreement = AgreementFactory(status="active", coordinator=evaluator)
    SuccessIndicatorFactory(agreement=agreement, name="Kader terlatih", target=40)
    SuccessIndicatorFactory(agreement=agreement, name="Mitra baru", target=5)
    world["evaluation"] = EvaluationFactory(agreement=agreement, evaluator=evaluator).pk
    return world


@pytest.fixture
def gunicorn(proxy, people, redis_url, tmp_path):
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kader.tests.faults_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DEBUG": "0",
        "HTTPS": "0",
        "KADER_REQUIRE_2FA": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    port, log = free_port(), tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "kader.wsgi",
             f"--bind=127.0.0.1:{port}", "--workers=2", "--threads=4", "--timeout=30",
             "--log-level=warning"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    host = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return urllib.request.urlopen(host + "/healthz", timeout=5).status == 200  # noqa: S310
        except OSError:
            return False

    try:
        assert wait_for(answers, timeout=60), log.read_text()[-3000:]
        yield {"host": host, "process": process, "log": log}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


# --- the evaluation, through its rendered form ------------------------------------------


def fill_form(browser: Browser, evaluation: int):
    status, _headers, body = browser.request("GET", f"/evaluations/{evaluation}/fill/")
    assert status == 200, (status, body[:500])
    return pick(forms_in(body, f"/evaluations/{evaluation}/fill/"), testid="evaluation-form")


def post_fill(browser: Browser, evaluation: int, data: dict):
    return browser.request("POST", f"/evaluations/{evaluation}/fill/", data)


def save_number(form, k: int) -> dict:
    """Save number k: its findings, k in every indicator, and one new action item."""
    data = form.browser_data()
    blank = [n for n in sorted(form.names) if re.fullmatch(r"act-\d+-description", n)]
    blank = [n for n in blank if not data.get(n)]
    assert blank, "the page offers an empty action row"
    row = blank[0].removesuffix("description")
    owner = [v for v in form.options(f"{row}owner") if v]
    overrides = {"findings": f"Temuan {k}", f"{row}description": f"Tindakan {k}",
                 f"{row}owner": owner[0], f"{row}due_date": "2030-01-31"}  # fmt: skip
    overrides |= {n: str(k) for n in form.names if re.fullmatch(r"ind-\d+-actual", n)}
    return form.data(overrides, button="save")


def stored(evaluation: int) -> dict:
    with psycopg2.connect(direct_url()) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT findings FROM evaluations_evaluation WHERE id = %s", [evaluation])
        [findings] = cursor.fetchone()
        cursor.execute(
            "SELECT DISTINCT actual FROM evaluations_indicatorresult WHERE evaluation_id = %s",
            [evaluation],
        )
        actuals = sorted(str(a) for (a,) in cursor.fetchall())
        cursor.execute(
            "SELECT description FROM evaluations_actionitem WHERE evaluation_id = %s ORDER BY id",
            [evaluation],
        )
        actions = [d for (d,) in cursor.fetchall()]
    conn.close()
    return {"findings": findings, "actuals": actuals, "actions": actions}


def whole(saves: list[int]) -> dict:
    """What the database holds after these saves, each all-or-nothing."""
    k = saves[-1]
    return {
        "findings": f"Temuan {k}",
        "actuals": [f"{k}.00"],
        "actions": [f"Tindakan {j}" for j in saves],
    }


@pytest.fixture
def lock_action_items():
    """Another session holds a SHARE lock on the action items: reads go on, writes wait."""
    holder = {}

    def take() -> None:
        conn = psycopg2.connect(direct_url())
        conn.cursor().execute("LOCK TABLE evaluations_actionitem IN SHARE MODE")
        holder["conn"] = conn

    def release() -> None:
        conn = holder.pop("conn")
        conn.rollback()
        conn.close()

    yield take, release
    if "conn" in holder:
        release()


# --- the test ------------------------------------------------------------------------------


def test_it_answers_503_and_saves_all_or_nothing_when_the_database_fails(
    proxy, people, gunicorn, lock_action_items
):
    take_lock, release_lock = lock_action_items
    faults = {
        "refused": (lambda: proxy.set("refuse"), lambda: proxy.set("forward")),
        "hangs": (lambda: proxy.set("hang"), lambda: proxy.set("forward")),
        "statement waits": (take_lock, release_lock),
    }
    evaluation = people["evaluation"]
    evaluator = Browser(gunicorn["host"])
    evaluator.log_in("evaluator")
    load = Load(gunicorn["host"], people)
    load.start(mentors=people["mentors"], coordinators={"coord": COORDINATOR_PAGES})
    windows, saves, during = [], [], {}
    try:
        for k, (name, (begin, end)) in enumerate(faults.items(), start=1):
            # Before: a normal save, then the form the evaluator is filling in next.
            form = fill_form(evaluator, evaluation)
            status, _h, _b = post_fill(evaluator, evaluation, save_number(form, 2 * k - 1))
            assert status == 302, (name, status)
            saves.append(2 * k - 1)
            data = save_number(fill_form(evaluator, evaluation), 2 * k)
            started = time.monotonic()
            begin()
            time.sleep(0.3)
            sent = time.monotonic()
            status, headers, body = post_fill(evaluator, evaluation, data)
            during[name] = {"status": status, "seconds": round(time.monotonic() - sent, 2),
                            "retry_after": headers.get("Retry-After", "")}  # fmt: skip
            time.sleep(max(0.0, FAULT - (time.monotonic() - started)))
            end()
            windows.append((name, started, time.monotonic()))
            # Nothing of the failed save is in the database: the previous one is whole.
            assert stored(evaluation) == whole(saves), (name, during[name])
            assert status == 503 and headers.get("Retry-After"), (name, status, body[:300])
            time.sleep(GRACE)
            # The same form, sent again once the database is back, saves everything.
            status, _h, _b = post_fill(evaluator, evaluation, data)
            assert status == 302, (name, "again", status)
            saves.append(2 * k)
            assert stored(evaluation) == whole(saves), name
        time.sleep(2)
    finally:
        load.finish()
    print({"during": during, "requests": len(load.outcomes)})
    assert all(d["seconds"] < SLOWEST for d in during.values()), during
    logged = gunicorn["log"].read_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "database-hangs-gunicorn.log").write_text(logged)
    assert "Internal Server Error" not in logged, logged[-6000:]
    assert_failures_only_inside(load, windows)
    assert gunicorn["process"].poll() is None
    assert_every_success_was_saved(load, direct_url())


def assert_failures_only_inside(load: Load, windows) -> None:
    failed = [o for o in load.outcomes if not o.ok]
    assert failed, "the faults were felt by the load"
    outside = [
        o
        for o in failed
        if not any(o.ended >= s and o.started <= e + GRACE for _n, s, e in windows)
    ]
    assert not outside, [(o.path, o.status, o.detail[:200]) for o in outside]
    assert all(o.status == 503 and o.retry_after for o in failed), sorted(
        {(o.path, o.status, o.detail[:120]) for o in failed if o.status != 503}
    )
    slow = [
        (o.path, round(o.ended - o.started, 1))
        for o in load.outcomes
        if o.ended - o.started > SLOWEST
    ]
    assert not slow, slow
    felt = {name for name, s, e in windows if any(s <= o.ended <= e + GRACE for o in failed)}
    assert {"refused", "hangs"} <= felt, felt
