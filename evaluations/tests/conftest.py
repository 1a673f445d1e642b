"""Shared fixtures for the evaluations tests: a real SMTP server (aiosmtpd) on 127.0.0.1,
and a small world of one agreement, one program and one mentorship."""

from __future__ import annotations

import datetime as dt
import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from factories import (
    AgreementFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SuccessIndicatorFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed per test; the real hasher costs a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Collects what the SMTP server accepted; `delay` slows each message down."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: a slow, real SMTP server
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


@pytest.fixture
def world(coordinator, mentor_a):
    """An active agreement with two indicators, evaluated by the coordinator; a mentorship
    evaluated by mentor A; both due on 16 June 2025."""
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    SuccessIndicatorFactory(agreement=agreement, name="Kader terlatih", baseline=0, target=40)
    SuccessIndicatorFactory(
        agreement=agreement, name="Kader keluar", unit="%", baseline=20, target=5, direction="lower"
    )
    program = ProgramFactory(coordinator=coordinator)
    mentorship = MentorshipFactory(enrolment__program=program, mentor__user=mentor_a)
    due = dt.date(2025, 6, 16)
    return {
        "agreement": agreement,
        "program": program,
        "mentorship": mentorship,
        "agreement_evaluation": EvaluationFactory(
            agreement=agreement,
            evaluator=coordinator,
            period_start=dt.date(2025, 4, 1),
            period_end=dt.date(2025, 6, 2),
            due_date=due,
        ),
        "mentor_evaluation": EvaluationFactory(
            agreement=None,
            mentorship=mentorship,
            kind="midpoint",
            evaluator=mentor_a,
            period_start=dt.date(2025, 2, 1),
            period_end=dt.date(2025, 6, 9),
            due_date=due,
        ),
    }
