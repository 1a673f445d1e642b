"""Authentication, sessions and headers (ASVS 5.0 level 2: V6, V7, V3): see docs/security.md."""

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.security import LAST_SEEN
from kader.tests.test_settings import BASE_DIR, TEST_ONLY_VARIABLES, production_env

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


# --- passwords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["kader-demo", "short", "password1234", "123456789012", "qwertyuiop123"]
)
def test_it_refuses_short_common_and_numeric_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


@pytest.mark.parametrize(
    "strong", ["correct horse battery staple", "Kader-mentor-2026!", "x" * 12 + "Qz7", "ü" * 40]
)
def test_it_accepts_long_passphrases(strong):
    validate_password(strong)


# --- login, lockout, logging --------------------------------------------------------------


def test_it_gives_a_new_session_id_at_login(client, coordinator, password):
    # A visitor holds a session before logging in (session fixation): it is replaced.
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    assert log_in(client, coordinator.username, password).status_code == 302
    assert client.session.session_key != before


def test_it_locks_a_username_from_one_address_after_five_failures(
    client, coordinator, mentor_a, password, settings, caplog
):
    # Someone guesses the coordinator's password from 10.0.0.1 five times.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, coordinator.username, "wrong-guess-123456")
        assert response.status_code == 200
    # The fifth failure locks.
    assert log_in(client, coordinator.username, "wrong-guess-123456").status_code == 429
    # The sixth try, even with the right password, meets the lockout page.
    response = log_in(client, coordinator.username, password)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode() or "Terlalu banyak" in (
        response.content.decode()
    )
    assert not response.wsgi_request.user.is_authenticated
    # The coordinator from another address, and another user from the same address, are
    # not locked out: the attacker cannot lock everyone out.
    other = client_class(client)
    assert log_in(other, coordinator.username, password, address="10.0.0.2").status_code == 302
    other = client_class(client)
    assert log_in(other, mentor_a.username, password).status_code == 302


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_visitor_with_a_10000_character_username_gets_a_field_error(client, url, db):
    # Found by hypothesis: the login forms never checked the username's length, and the
    # lockout's record of the failure (255 characters) then failed with a server error.
    from axes.models import AccessAttempt

    response = client.post(
        reverse(url), {"username": "x" * 10_000, "password": "wrong-guess-123456"}
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()


def client_class(client):
    return type(client)()


def test_it_lifts_the_lock_after_the_cool_off(client, coordinator, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, coordinator.username, "wrong-guess-123456")
    assert log_in(client, coordinator.username, password).status_code == 429
    with time_machine.travel(settings.AXES_COOLOFF_TIME * 2, tick=False):
        assert log_in(client, coordinator.username, password).status_code == 302


def test_it_logs_logins_failures_logouts_and_denied_accesses(
    client, coordinator, mentor_a, password, caplog
):
    caplog.set_level(logging.INFO, logger="accounts.security")
    log_in(client, coordinator.username, "wrong-guess-123456")
    log_in(client, coordinator.username, password)
    client.post(reverse("logout"))
    # A mentor guesses a coordinator's page.
    client.force_login(mentor_a)
    client.get(reverse("partners:agreement_list"))
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.security"]
    assert any(m.startswith("login failed user=coord ip=10.0.0.1") for m in messages)
    assert any(m.startswith("login user=coord ip=10.0.0.1") for m in messages)
    assert any(m.startswith("logout user=coord") for m in messages)
    assert any(
        "access denied status=404 user=mentor_a" in m and "/partners/agreements/" in m
        for m in messages
    )


# --- sessions -----------------------------------------------------------------------------


def test_it_ends_an_idle_session(client, mentor_a, settings):
    # A mentor leaves the browser for longer than the idle timeout.
    client.force_login(mentor_a)
    assert client.get(reverse("evaluations:my_evaluations")).status_code == 200
    with time_machine.travel(time.time() + settings.SESSION_IDLE_TIMEOUT + 5, tick=False):
        response = client.get(reverse("evaluations:my_evaluations"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert not client.session.get("_auth_user_id")


def test_it_keeps_an_active_session_alive(client, mentor_a, settings):
    # A mentor clicks every few minutes for longer than the idle timeout in total.
    client.force_login(mentor_a)
    start = time.time()
    step = settings.SESSION_IDLE_TIMEOUT // 3
    for n in range(1, 6):
        with time_machine.travel(start + n * step, tick=False):
            assert client.get(reverse("evaluations:my_evaluations")).status_code == 200
    assert client.session[LAST_SEEN] >= start + 4 * step


def test_it_ends_the_sessions_of_a_deactivated_user(client, mentor_a):
    # A coordinator deactivates a mentor who is logged in elsewhere.
    client.force_login(mentor_a)
    assert client.get(reverse("evaluations:my_evaluations")).status_code == 200
    mentor_a.is_active = False
    mentor_a.save()
    response = client.get(reverse("evaluations:my_evaluations"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- headers and cookies ------------------------------------------------------------------


def test_it_sends_the_security_headers(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluations:my_evaluations"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_it_sends_hsts_and_host_prefixed_cookies_over_https():
    # Production settings (HTTPS on), read in a fresh process.
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=BASE_DIR,
        env={**clean, **production_env(), "DJANGO_SETTINGS_MODULE": "kader.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "True",
    ]


def test_no_template_has_inline_scripts_or_event_handlers():
    # The CSP forbids inline scripts; this keeps templates from relying on them.
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    javascript_url = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.I)
    offenders = []
    for folder in ("templates", "kader", "partners", "programs", "evaluations"):
        for path in (Path(BASE_DIR) / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (inline, handler, javascript_url):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(BASE_DIR)}: {pattern.pattern}")
    assert not offenders, offenders
