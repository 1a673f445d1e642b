"""Two-factor authentication: TOTP (an authenticator app) plus one-time recovery codes.

Required for admins and coordinators when KADER_REQUIRE_2FA is on (the default unless
DEBUG): until they have confirmed a device and entered a code in this session, every page
sends them to set one up or to verify. Mentors may set it up; whoever has a confirmed
device must enter a code after logging in, whatever the setting.
"""

import secrets
from base64 import b32encode
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode import make as make_qr
from qrcode.image.svg import SvgPathFillImage

from accounts.roles import is_admin, is_coordinator

RECOVERY_CODES = 10
# Paths a user who still owes a second factor may open.
EXEMPT_PREFIXES = ("/account/two-factor/", "/accounts/logout/", "/i18n/", "/static/")
EXEMPT_PATHS = ("/healthz",)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        """With `request`, the user replaces a device they already have (and with it their
        recovery codes): their password is asked for again, so that a session left open
        or stolen cannot take over the second factor."""
        super().__init__(*args, **kwargs)
        self.request = request
        if request is not None:
            password = forms.CharField(
                label=_("Your password"),
                strip=False,
                help_text=_("Replacing your authenticator app needs your password again."),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
            self.fields = {"password": password, **self.fields}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        assert self.request is not None  # the password field exists only with a request
        user = self.request.user
        # Through authenticate(), so that django-axes counts wrong guesses and locks out.
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError(_("That is not your password."))
        return password


def must_use_two_factor(user) -> bool:
    return settings.KADER_REQUIRE_2FA and (is_admin(user) or is_coordinator(user))


def is_verified(user: Any) -> bool:
    """Whether this login has passed a second factor. django_otp's OTPMiddleware gives the
    request's user its `is_verified()`, which no type of Django's declares."""
    return user.is_verified()


def has_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


# Whether the logged-in user has a confirmed device, looked up once at login (no query on
# every request).
HAS_DEVICE = "kader_otp_device"


@receiver(user_logged_in)
def remember_device(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = has_device(user)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: sends users who owe a second factor to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if (
            user.is_authenticated
            and not is_verified(user)
            and not path.startswith(EXEMPT_PREFIXES)
            and path not in EXEMPT_PATHS
        ):
            if HAS_DEVICE not in request.session:
                request.session[HAS_DEVICE] = has_device(user)
            if request.session[HAS_DEVICE]:
                return redirect(f"{reverse('two_factor_verify')}?next={request.get_full_path()}")
            if must_use_two_factor(user):
                return redirect(reverse("two_factor_setup"))
        return self.get_response(request)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Shows a new secret; a correct code confirms the device and shows recovery codes."""
    if has_device(request.user) and not is_verified(request.user):
        return redirect("two_factor_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    # Replacing a confirmed device (and the recovery codes) asks for the password again.
    replacing = has_device(request.user)
    form = TokenForm(request.POST or None, request=request if replacing else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save()
            codes = new_recovery_codes(request.user)
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
        form.add_error("token", _("That code is not right. Check your phone's clock and retry."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": b32encode(device.bin_key).decode(),
            "config_url": device.config_url,
            "qr_code": qr_svg(device.config_url),
            "required": must_use_two_factor(request.user),
            "replacing": replacing,
        },
    )


def qr_svg(data: str) -> SafeString:
    """The QR code as inline SVG markup: drawn on the server, no script and no request
    (the CSP allows neither inline scripts nor third-party images); white behind it so
    that it scans in dark mode too."""
    image = make_qr(data, image_factory=SvgPathFillImage, box_size=13, border=4)
    # The markup comes from qrcode's own drawing: no user input reaches it but `data`,
    # which is encoded as modules, never as text.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Asks for a code after login; a recovery code works once."""
    if is_verified(request.user):
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )
