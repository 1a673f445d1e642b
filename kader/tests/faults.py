"""Helpers of the faults-under-load test (test_faults_under_load.py).

A private PostgreSQL server (initdb into a temporary folder, its own port) that the test
may stop and start without touching the shared one; the app's processes (gunicorn, Celery
workers) against it; a small load of coordinators and mentors made of threads with
`urllib`, each request recorded with its time and outcome.

Run as `python -m kader.tests.faults populate|sweep`, this module is also the part that
works inside Django against the private database (the test process itself is set up
against its own test database).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "kader-faults-under-load"
MARKER = "fault-load"


# --- a private PostgreSQL server ---------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout), or initdb on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivatePostgres:
    """initdb into a temporary folder; pg_ctl start, stop and start again on `port`.

    PostgreSQL refuses to run as root, so as root (CI) it runs as the `postgres` user.
    """

    def __init__(self, bindir: Path, port: int) -> None:
        self.bindir, self.port = bindir, port
        self.root = Path(tempfile.mkdtemp(prefix="kader-faults-pg-"))
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=self.root)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


# --- a TCP proxy in front of PostgreSQL ------------------------------------------------------


class DatabaseProxy:
    """127.0.0.1:port → PostgreSQL, with the faults a network or a failover brings.

    "forward": bytes go both ways. "hang": open connections are cut (as a failing-over load
    balancer does) and new ones are accepted but never answered, so a client waits for
    its own connect timeout. "refuse": nothing listens, connections are refused at once.
    """

    def __init__(self, target_port: int, port: int) -> None:
        self.target, self.port = ("127.0.0.1", target_port), port
        self.mode = "forward"
        self.listener = None
        self.lock = threading.Lock()
        self.open: list = []  # sockets of forwarded and held connections
        self.stopped = threading.Event()

    def start(self) -> None:
        self._listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _listen(self) -> None:
        import socket

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.listener = listener

    def set(self, mode: str) -> None:
        with self.lock:
            self.mode = mode
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(2)  # wakes the pump blocked in recv; close alone may not
                with contextlib.suppress(OSError):
                    sock.close()
            self.open.clear()
            if mode == "refuse" and self.listener is not None:
                with contextlib.suppress(OSError):
                    self.listener.shutdown(2)  # wakes the accept() waiting on it
                self.listener.close()
                self.listener = None
            elif mode != "refuse" and self.listener is None:
                self._listen()

    def _accept(self) -> None:
        import socket

        while not self.stopped.is_set():
            listener = self.listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with self.lock:
                if self.mode == "refuse":  # accepted just before the listener closed
                    client.close()
                    continue
                if self.mode == "hang":
                    self.open.append(client)  # held open, never answered
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    client.close()
                    continue
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()

    def stop(self) -> None:
        self.stopped.set()
        self.set("refuse")


# --- the load ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer we judge


@dataclass
class Outcome:
    who: str
    method: str
    path: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all (connection refused or reset)
    ok: bool
    marker: str = ""
    detail: str = ""
    retry_after: str = ""


class Browser:
    """One person's cookies (session, CSRF) over urllib; redirects are not followed."""

    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, host: str) -> None:
        self.host = host
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, method: str, path: str, data: dict | None = None):
        """(status or None, headers, body); never raises on an HTTP or network error."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.host + path, data=body, method=method)  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as answer:
                return answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read().decode()
        except (urllib.error.URLError, OSError) as exc:
            return None, {}, f"{type(exc).__name__}: {exc}"

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def log_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )
        if status != 302 or "login" in headers.get("Location", ""):
            raise RuntimeError(f"{username} could not log in: HTTP {status}")


@dataclass
class Load:
    """Coordinators reading pages and mentors logging sessions, until `stop` is set."""

    host: str
    world: dict
    pause: float = 0.05
    stop: threading.Event = field(default_factory=threading.Event)
    outcomes: list[Outcome] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _logged_in: threading.Barrier | None = None

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def _timed(self, browser, who, method, path, data=None, expect=None, marker=""):
        started = time.monotonic()
        status, headers, body = browser.request(method, path, data)
        location = headers.get("Location", "")
        ok = status == 302 and location == expect if expect else status == 200
        detail = "" if ok else f"{location} {body[:300]}".strip()
        ended = time.monotonic()
        retry_after = headers.get("Retry-After", "")
        self._record(
            Outcome(who, method, path, started, ended, status, ok, marker, detail, retry_after)
        )

    def _log_in(self, username: str) -> Browser:
        browser = Browser(self.host)
        try:
            browser.log_in(username)
        except Exception:
            self._logged_in.abort()  # start() raises instead of running without them
            raise
        self._logged_in.wait()
        return browser

    def mentor(self, username: str, mentorships: list[dict]) -> None:
        browser = self._log_in(username)
        n = 0
        while not self.stop.is_set():
            mentorship = mentorships[n % len(mentorships)]
            marker = f"{MARKER}-{username}-{n}"
            self._timed(
                browser,
                username,
                "POST",
                "/programs/sessions/new/",
                {
                    "mentorship": mentorship["id"],
                    "date": self.world["today"],
                    "duration_minutes": 60,
                    "mode": "in_person",
                    "attendance": "attended",
                    "topics": marker,
                    "notes": "Logged under load while the database restarts.",
                    "next_steps": "",
                    "csrfmiddlewaretoken": browser.csrf(),
                },
                expect=mentorship["url"],
                marker=marker,
            )
            if n % 3 == 2:
                self._timed(browser, username, "GET", mentorship["url"])
            n += 1
            time.sleep(self.pause)

    def coordinator(self, username: str, pages: list[str]) -> None:
        browser = self._log_in(username)
        n = 0
        while not self.stop.is_set():
            self._timed(browser, username, "GET", pages[n % len(pages)])
            n += 1
            time.sleep(self.pause)

    def start(self, mentors: dict[str, list[dict]], coordinators: dict[str, list[str]]) -> None:
        """Start everyone; return once all are logged in (the password hash takes a while)."""
        self._logged_in = threading.Barrier(len(mentors) + len(coordinators) + 1)
        for name, mentorships in mentors.items():
            self.threads.append(threading.Thread(target=self.mentor, args=(name, mentorships)))
        for name, pages in coordinators.items():
            self.threads.append(threading.Thread(target=self.coordinator, args=(name, pages)))
        for thread in self.threads:
            thread.start()
        self._logged_in.wait(timeout=120)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


# --- inside Django, against the private database -----------------------------------------


def populate(mentors: int, reminders: int) -> dict:
    """A coordinator and her program, `mentors` mentors with two mentees each, and
    `reminders` evaluations due today for one evaluator: as many reminders to send."""
    import datetime as dt

    import factory
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.roles import COORDINATOR, MENTOR
    from evaluations.models import Evaluation
    from factories import AgreementFactory, MentorshipFactory, ProgramFactory, UserFactory

    today = timezone.localdate()
    # Hashed once and kept as is: the real hasher costs a second per user.
    hashed = factory.Transformer.Force(make_password(PASSWORD))
    coordinator = UserFactory(username="coord", role=COORDINATOR, password=hashed)
    program = ProgramFactory(coordinator=coordinator)
    world = {"today": today.isoformat(), "mentors": {}}
    for i in range(mentors):
        user = UserFactory(username=f"mentor{i}", role=MENTOR, password=hashed)
        world["mentors"][user.username] = [
            {"id": m.pk, "url": m.get_absolute_url()}
            for m in (
                MentorshipFactory(enrolment__program=program, mentor__user=user, started_on=today)
                for _ in range(2)
            )
        ]
    evaluator = UserFactory(username="evaluator", role=COORDINATOR, password=hashed)
    agreement = AgreementFactory(status="active", coordinator=None)
    Evaluation.objects.bulk_create(
        Evaluation(
            agreement=agreement,
            period_start=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            period_end=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            due_date=today,
            evaluator=evaluator,
        )
        for i in range(reminders)
    )
    return world


def sweep(queue: str, sending_timeout: int) -> dict:
    """What the daily beat does: insert due reminders, reclaim stuck ones, enqueue them."""
    from django.conf import settings

    from evaluations.reminders import reminders_sweep

    # Rows a killed worker left in "sending" are retried after this many seconds.
    settings.REMINDER_SENDING_TIMEOUT = sending_timeout
    result = reminders_sweep(queue=queue)
    return {"decided": result.decided, "reclaimed": result.reclaimed, "enqueued": result.enqueued}


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kader.settings")
    django.setup()
    command, *args = argv
    if command == "populate":
        out = populate(int(args[0]), int(args[1]))
    elif command == "sweep":
        out = sweep(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main(sys.argv[1:])
