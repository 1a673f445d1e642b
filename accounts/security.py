"""Authentication events, denied accesses and idle sessions, in one place.

Logins, failed logins and logouts are logged by Django's auth signals; every 403 and 404
answered to a request is logged with the user and the path (not the query string, which
may hold personal data). A session left unused for SESSION_IDLE_TIMEOUT seconds ends, and
the sessions of an account that is deactivated or deleted are ended at once.
"""

import logging
import time
from collections.abc import Callable
from importlib import import_module
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models.signals import post_delete, pre_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ipware import get_client_ip

log = logging.getLogger("accounts.security")

LAST_SEEN = "kader_last_seen"
# The session is written at most once a minute, not on every request.
REFRESH_SECONDS = 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies of our own
    the address the outermost of them saw, which is the TRUSTED_PROXY_COUNT-th entry of
    X-Forwarded-For counted from the right (each proxy appends the address it saw; what the
    client wrote into the header stands to its left and is ignored). Used by django-axes
    (AXES_CLIENT_IP_CALLABLE) and by the security log.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if count <= 0:
        return remote
    # django-ipware counts the proxies listed in the header after the client; the proxy
    # that connects to us (REMOTE_ADDR) is not in it, hence count - 1. Not strict: a chain
    # longer than expected is a client's spoof, and its right end is still the proxies'.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=count - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    # No usable header (a request that came round the proxy): the connection's address.
    return address or remote


def client_address(request: HttpRequest | None) -> str:
    return (client_ip(request) or "-") if request is not None else "-"


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs) -> None:
    log.info("login user=%s ip=%s", user.get_username(), client_address(request))
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    log.warning(
        "login failed user=%s ip=%s", credentials.get("username", "-"), client_address(request)
    )


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    name = user.get_username() if user is not None else "-"
    log.info("logout user=%s ip=%s", name, client_address(request))


def end_sessions_of(user_id: int) -> int:
    """Deletes every stored session of one user; returns how many.

    Django already treats an inactive user as logged out on each request; deleting the
    sessions also keeps a stolen cookie from coming back to life if the account is
    reactivated. Sessions are stored in the database (SESSION_ENGINE db or cached_db), so
    the live ones can be read; there are few, and accounts are rarely deactivated.
    """
    if not settings.SESSION_ENGINE.endswith(("sessions.backends.db", "backends.cached_db")):
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


# Sent, inside the saving transaction, when an active account is deactivated; receivers in
# upper layers revoke what must not come back with a reactivation (accounts imports no app).
user_deactivated = Signal()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_on_deactivation(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    if get_user_model().objects.filter(pk=instance.pk, is_active=True).exists():
        log.info("sessions ended user=%s (deactivated)", instance.get_username())
        transaction.on_commit(lambda: end_sessions_of(instance.pk))
        # Upper layers revoke what the person held (the dashboard: their calendar feed).
        user_deactivated.send(sender=sender, user=instance)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def end_sessions_on_deletion(sender, instance, **kwargs) -> None:
    user_id = instance.pk
    transaction.on_commit(lambda: end_sessions_of(user_id))


class SecurityMiddleware:
    """Ends idle sessions and logs denied accesses (403, 404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        expired = self._idle_check(request)
        if expired is not None:
            return expired
        response = self.get_response(request)
        if response.status_code in (403, 404):
            user = request.user.get_username() if request.user.is_authenticated else "-"
            log.warning(
                "access denied status=%s user=%s ip=%s method=%s path=%s",
                response.status_code,
                user or "-",
                client_address(request),
                request.method,
                request.path,
            )
        return response

    def _idle_check(self, request: HttpRequest) -> HttpResponse | None:
        timeout = settings.SESSION_IDLE_TIMEOUT
        if not timeout or not request.user.is_authenticated:
            return None
        now = int(time.time())
        seen = request.session.get(LAST_SEEN)
        if seen is not None and now - seen > timeout:
            log.info(
                "session idle user=%s ip=%s",
                request.user.get_username(),
                client_address(request),
            )
            logout(request)
            return redirect_to_login(request.get_full_path())
        if seen is None or now - seen > REFRESH_SECONDS:
            request.session[LAST_SEEN] = now
        return None


# Powerful browser features Kader never uses, refused to the app and to anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class HeadersMiddleware:
    """First in MIDDLEWARE, so it sees every response (static files, redirects, errors).

    - Permissions-Policy on every response.
    - `Cache-Control: private, no-store` on every response to a logged-in user that does
      not say otherwise: their pages and exports hold personal data, which no shared cache
      nor the browser's disk may keep (a shared computer's next user, a proxy).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers and self._logged_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _logged_in(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None:
            return False
        try:
            return bool(user.is_authenticated)
        except Exception:  # the database is down: the 503 page is never cached anyway
            return False


class _UsernameLengthChecked:
    """Django's login forms set the username's max_length after the field is built, so it
    is shown to the browser but never checked: a 10,000-character username went on to
    `authenticate()`, and django-axes' record of the failure (a 255-character column) then
    failed with a server error. Checked here, a too-long username is a field error and
    nothing is authenticated or recorded."""

    fields: dict[str, forms.Field]  # the form's, which this class comes before

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.CharField, self.fields["username"])  # a UsernameField
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(_UsernameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthChecked, AdminAuthenticationForm):
    pass
