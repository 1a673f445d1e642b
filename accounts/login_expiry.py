"""A login that expires while someone types loses nothing (issue 14).

Before: the page warns a few minutes before the idle timeout (SESSION_IDLE_TIMEOUT, see
accounts.security) and "Keep me logged in" posts to `keep_alive`, which refreshes the session
(static/js/login_expiry.js; the numbers come from `{% login_expiry_warning %}`).

After: a form posted once the login has ended — the idle timeout's logout in
accounts.security.SecurityMiddleware, or `login_required` finding no session (its age ran
out, or it was deleted) — is answered, as before, with the login page and `next=`; but what
was posted is kept first, server-side, in the new anonymous session: every field except the
CSRF token and passwords (files are never in request.POST), at most DRAFT_MAX_BYTES, with
the id of the user who was logged in. Logging in keeps the session's data (Django cycles the
key of an anonymous session rather than flushing it), so when the same user opens that
page again the draft is handed to the page once: the form is filled in again, unsaved, by
the same script, and a message asks them to check it and save again. Another user logging
in on that browser never sees it: the draft is dropped.

Which user was logged in: `request.user` before the idle logout; when the session is
already gone, a signed cookie (USER_COOKIE) that names the last user who logged in on this
browser. A middleware, because both ways a login ends answer before any view runs, and
every form in every app is covered without touching its view. It sits in MIDDLEWARE just
outside accounts.security.SecurityMiddleware, so that it sees that middleware's idle logout,
and inside the session, authentication and message middlewares it uses.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.logout import CLEAR_SITE_DATA
from accounts.security import LAST_SEEN

log = logging.getLogger("accounts.security")

DRAFT = "kader_form_draft"
USER_COOKIE = "kader_user"
USER_COOKIE_SALT = "accounts.login_expiry.user"
USER_COOKIE_AGE = 30 * 24 * 3600
# What a person types into one form fits many times over; a bigger post is not kept.
DRAFT_MAX_BYTES = 128 * 1024
# Fields never kept: the token is renewed at login; a password is never stored.
SKIPPED = ("csrfmiddlewaretoken",)
# The warning shows this long before the login would end (less with a short timeout).
WARN_SECONDS = 5 * 60


def seconds_left(request: HttpRequest) -> int | None:
    """Seconds until this login ends if nothing else happens; None when it never idles."""
    timeout = settings.SESSION_IDLE_TIMEOUT
    if not timeout:
        return None
    seen = request.session.get(LAST_SEEN, int(time.time()))
    return max(0, min(timeout - (int(time.time()) - seen), settings.SESSION_COOKIE_AGE))


def warn_seconds() -> int:
    return min(WARN_SECONDS, settings.SESSION_IDLE_TIMEOUT // 3)


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """The warning's "Keep me logged in": counts as activity, and says how long is left.
    An ended login answers 401 (JSON, not the login page) so the script can say so."""
    if not request.user.is_authenticated:
        return JsonResponse({"logged_in": False}, status=401)
    request.session[LAST_SEEN] = int(time.time())
    return JsonResponse({"logged_in": True, "seconds_left": seconds_left(request)})


def _kept_fields(request: HttpRequest) -> dict[str, list[str]] | None:
    fields = {
        name: values
        for name, values in request.POST.lists()
        if name not in SKIPPED and "password" not in name.lower()
    }
    if not fields or len(json.dumps(fields)) > DRAFT_MAX_BYTES:
        return None
    return fields


def _no_view(request: HttpRequest) -> HttpResponse:
    """Stands in for the view (not csrf_exempt) in a CSRF check made before any view runs."""
    return HttpResponse()


def _csrf_ok(request: HttpRequest) -> bool:
    """The idle logout answers before CSRF is checked: a post from another site must not
    plant a draft in someone's next login."""
    return CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {}) is None


def _to_login(response: HttpResponse) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    return urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)


def _last_user(request: HttpRequest) -> int | None:
    try:
        # Without a default: a str, or KeyError; the stub has no overload that says so.
        value: str = request.get_signed_cookie(USER_COOKIE, salt=USER_COOKIE_SALT)  # type: ignore[assignment]
    except (KeyError, signing.BadSignature):
        return None
    return int(value) if value.isdigit() else None


class LoginExpiryMiddleware:
    """Keeps a form posted after the login ended; gives it back to the same user once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_logged_in = None
        if request.method == "POST":
            # Read now: the idle logout further in replaces request.user.
            was_logged_in = request.user.pk if request.user.is_authenticated else None
        elif request.method == "GET" and DRAFT in request.session:
            self._give_back(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            self._remember_user(request, response)
        elif request.method == "POST" and _to_login(response):
            self._keep(request, was_logged_in or _last_user(request))
        return response

    def _keep(self, request: HttpRequest, user_id: int | None) -> None:
        # A phone's offline send (core/offline.py) is kept on the phone, and sent again there.
        if request.headers.get("X-Kader-Offline"):
            return
        if user_id is None or request.headers.get("HX-Request") or not _csrf_ok(request):
            return
        fields = _kept_fields(request)
        if fields is None:
            return
        request.session[DRAFT] = {"user": user_id, "path": request.path, "fields": fields}
        log.info("form kept after the login ended user_id=%s path=%s", user_id, request.path)
        messages.warning(request, _("Your login expired. Log in again: what you typed is kept."))

    def _give_back(self, request: HttpRequest) -> None:
        if not request.user.is_authenticated or request.headers.get("HX-Request"):
            return
        draft = request.session[DRAFT]
        if draft.get("user") != request.user.pk:
            del request.session[DRAFT]  # someone else's: never shown to this user
            return
        if draft.get("path") != request.path:
            return  # on the way back (two-factor step, another page first): kept for later
        del request.session[DRAFT]
        # An attribute of Kader's own, which HttpRequest does not declare; base.html reads it.
        request.kader_draft = draft["fields"]  # type: ignore[attr-defined]
        messages.warning(
            request, _("Your login expired; what you typed is kept — check and save again.")
        )

    def _remember_user(self, request: HttpRequest, response: HttpResponse) -> None:
        last = _last_user(request)
        if last == request.user.pk:
            return
        if last is not None:
            # Someone else logged in on this browser: what the previous person's phone kept
            # for offline use (pages, drafts) goes (accounts/logout.py).
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        response.set_signed_cookie(
            USER_COOKIE,
            str(request.user.pk),
            salt=USER_COOKIE_SALT,
            max_age=USER_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
