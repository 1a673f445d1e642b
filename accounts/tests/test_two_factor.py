"""Two-factor authentication (TOTP + recovery codes): required for coordinators and admins
when KADER_REQUIRE_2FA is on, optional otherwise and for mentors."""

import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

pytestmark = pytest.mark.django_db

PAGE = "evaluations:my_evaluations"


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def set_up(client) -> list[str]:
    """Goes through the setup page like a user with an authenticator app."""
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert response.status_code == 200
    return list(response.context["codes"])


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_it_sends_a_coordinator_or_admin_to_set_up_2fa_when_required(
    request, client, settings, persona
):
    # A coordinator (or admin) without a device logs in while 2FA is required.
    settings.KADER_REQUIRE_2FA = True
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_setup")
    assert client.get(reverse("admin:index"))["Location"] == reverse("two_factor_setup")
    # After setting it up, with a code from the app, the app opens; ten recovery codes shown.
    assert len(set(set_up(client))) == 10
    assert client.get(reverse(PAGE)).status_code == 200


def test_it_lets_a_mentor_work_without_2fa_even_when_required(client, settings, mentor_a):
    settings.KADER_REQUIRE_2FA = True
    client.force_login(mentor_a)
    assert client.get(reverse(PAGE)).status_code == 200


def test_it_lets_a_coordinator_work_without_2fa_when_not_required(client, settings, coordinator):
    # The demo and development mode: KADER_REQUIRE_2FA off.
    settings.KADER_REQUIRE_2FA = False
    client.force_login(coordinator)
    assert client.get(reverse(PAGE)).status_code == 200


@pytest.mark.parametrize("required", [True, False])
def test_it_asks_for_a_code_at_the_next_login_once_set_up(
    client, settings, mentor_a, password, required
):
    # A mentor sets up 2FA (optional for mentors), logs out and in again.
    settings.KADER_REQUIRE_2FA = required
    client.force_login(mentor_a)
    codes = set_up(client)
    later = time_machine.travel(time.time() + 90, tick=False)
    clock = later.start()
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "mentor_a", "password": password})
    assert response.status_code == 302
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # A wrong code is refused; a right one lets the mentor in and back to the page.
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000", "next": "/x"})
    assert wrong.status_code == 200
    assert client.get(reverse(PAGE)).status_code == 302
    # django-otp throttles a device after a wrong code (1 s, doubling): wait it out.
    clock.shift(5)
    device = TOTPDevice.objects.get(user=mentor_a, confirmed=True)
    ok = client.post(
        reverse("two_factor_verify"), {"token": code_for(device), "next": reverse(PAGE)}
    )
    assert ok["Location"] == reverse(PAGE)
    assert client.get(reverse(PAGE)).status_code == 200
    # A recovery code works once.
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "mentor_a", "password": password})
    assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse(PAGE)).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "mentor_a", "password": password})
    assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 200
    assert client.get(reverse(PAGE)).status_code == 302
    later.stop()


def test_it_refuses_an_open_redirect_after_verifying(client, settings, coordinator):
    settings.KADER_REQUIRE_2FA = True
    client.force_login(coordinator)
    set_up(client)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=True)
    client.logout()
    client.force_login(coordinator)
    with time_machine.travel(time.time() + 90, tick=False):
        response = client.post(
            reverse("two_factor_verify"),
            {"token": code_for(device), "next": "https://evil.example.org/"},
        )
    assert response["Location"] == reverse("home")


def test_it_shows_the_key_as_a_qr_code_and_as_text(client, settings, coordinator):
    # A coordinator opens the setup page: a QR code to scan, and the key to type by hand.
    settings.KADER_REQUIRE_2FA = True
    client.force_login(coordinator)
    response = client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    body = response.content.decode()
    qr = two_factor.qr_svg(device.config_url)
    assert qr.startswith("<svg") and "<path" in qr and "<script" not in qr
    # The code drawn is that of this device's otpauth:// URL (with its secret and issuer).
    assert qr in body
    assert "secret=" in device.config_url and "issuer=Kader" in device.config_url
    assert response.context["secret"] in body
    # Drawn in the page itself: nothing for the CSP to refuse (no script, no outside image).
    assert 'data-testid="totp-qr"' in body


def test_the_admin_qr_code_page_of_a_device_works(client, admin, mentor_a):
    # An admin opens django-otp's QR code of a mentor's device (a 503 without `qrcode`).
    device = TOTPDevice.objects.create(user=mentor_a, name="phone")
    client.force_login(admin)
    response = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in response.content


def test_replacing_the_device_and_recovery_codes_asks_for_the_password(
    client, settings, mentor_a, password
):
    # A mentor with 2FA set up leaves a verified session open; someone else at the keyboard
    # (or with the stolen cookie) tries to put their own authenticator app in its place.
    client.force_login(mentor_a)
    old_codes = set_up(client)
    old = TOTPDevice.objects.get(user=mentor_a, confirmed=True)
    page = client.get(reverse("two_factor_setup"))
    assert "password" in page.context["form"].fields
    new = TOTPDevice.objects.get(user=mentor_a, confirmed=False)
    for wrong in ({}, {"password": "not-the-password-123"}):
        response = client.post(reverse("two_factor_setup"), {"token": code_for(new), **wrong})
        assert response.status_code == 200
        assert response.context["form"].errors["password"]
        assert TOTPDevice.objects.get(user=mentor_a, confirmed=True) == old
        assert "codes" not in response.context
    # The old recovery codes still work: nothing was replaced.
    assert two_factor.StaticToken.objects.filter(token=old_codes[0]).exists()
    # With the password, the device and the codes are replaced.
    response = client.post(
        reverse("two_factor_setup"), {"token": code_for(new), "password": password}
    )
    assert response.status_code == 200
    assert set(response.context["codes"]).isdisjoint(old_codes)
    assert TOTPDevice.objects.get(user=mentor_a, confirmed=True) == new
    assert not two_factor.StaticToken.objects.filter(token=old_codes[0]).exists()


def test_a_first_device_needs_no_password_again(client, mentor_a):
    client.force_login(mentor_a)
    page = client.get(reverse("two_factor_setup"))
    assert "password" not in page.context["form"].fields
    assert set_up(client)
