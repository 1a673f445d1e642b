"""While the database is unreachable, every page answers 503 "try again" with Retry-After,
not the 500 "something went wrong" page; other errors stay 500.

The real outage (PostgreSQL stopped under load) is in test_faults_under_load.py; here the
failure is simulated where it happens: in a view, and in a middleware loading the session.
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

from dashboard import figures


@pytest.fixture
def client_500(client):
    # Answer as the server would, instead of re-raising the exception into the test.
    client.raise_request_exception = False
    return client


def fail_with(exc: Exception):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_it_asks_the_coordinator_to_try_again_when_a_view_loses_the_database(
    client_500, coordinator, monkeypatch, exc
):
    # The coordinator opens the dashboard while PostgreSQL restarts.
    client_500.force_login(coordinator)
    monkeypatch.setattr(figures, "build", fail_with(exc))
    response = client_500.get("/?period=2025")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert 'href="/?period=2025"' in body  # "try again" repeats the same request


def test_it_answers_503_when_the_session_cannot_be_loaded(client_500, mentor_a, monkeypatch):
    # A mentor's request fails before any view: the session middleware needs the database.
    client_500.force_login(mentor_a)
    monkeypatch.setattr(SessionStore, "load", fail_with(OperationalError("server closed")))
    response = client_500.get("/programs/mentor/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_it_speaks_the_language_the_user_chose(client_500, coordinator, monkeypatch, settings):
    # The coordinator reads Kader in English; the outage page follows.
    client_500.force_login(coordinator)
    client_500.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    monkeypatch.setattr(figures, "build", fail_with(OperationalError("down")))
    response = client_500.get("/")
    body = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="en">' in body
    assert "Please try again in a few seconds." in body


def test_other_errors_stay_500(client_500, coordinator, monkeypatch):
    # A bug is not an outage: the ordinary error page, no Retry-After.
    client_500.force_login(coordinator)
    monkeypatch.setattr(figures, "build", fail_with(ValueError("a bug")))
    response = client_500.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
