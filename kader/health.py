"""Checks behind /healthz: each answers (ok, detail) and never raises.

Anyone (a load balancer) learns whether the app is up; which components run and which is
down is told only to staff or to a request carrying HEALTHZ_TOKEN in the X-Healthz-Token
header (a monitoring system), not to anonymous callers probing the installation.
"""

import secrets
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest

from kader.celery import app as celery_app


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the detail says which
        return False, type(exc).__name__
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    cache = caches["default"]
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:
        return False, type(exc).__name__
    return ok, type(cache).__name__ if ok else "value not read back"


def check_broker() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return False, type(exc).__name__
    return True, str(transport)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


TOKEN_HEADER = "X-Healthz-Token"  # noqa: S105 (a header name, not a secret)


def may_see_detail(request: HttpRequest) -> bool:
    """Staff, or the HEALTHZ_TOKEN in the X-Healthz-Token header. Never raises: with the
    database down a logged-in caller's session cannot be read, and they get the status."""
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get(TOKEN_HEADER, "")
    if token and given and secrets.compare_digest(given.encode(), token.encode()):
        return True
    try:
        return bool(request.user.is_authenticated and request.user.is_staff)
    except Exception:
        return False
