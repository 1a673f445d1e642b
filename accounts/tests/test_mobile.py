"""A person gives their mobile number and confirms it with the code the SMS gateway (an
imitation on 127.0.0.1) delivered; bad numbers and wrong codes change nothing."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from accounts.models import CODE_ATTEMPTS, MobileNumber
from core.testing import rendered_form

pytestmark = pytest.mark.django_db
URL = "/account/mobile/"


def code_in(gateway) -> str:
    return re.search(r"\b(\d{6})\b", gateway.texts[-1]).group(1)


def ask_code(client, number="0812-3456-7890"):
    form = rendered_form(client, URL, testid="number-form")
    return form.submit(client, {"number": number})


def test_a_mentor_confirms_their_number_with_the_code_sent_to_it(client, mentor_a, sms_gateway):
    # Mentor A types the 08… form; it is kept as E.164 and only a hash of the code is kept.
    client.force_login(mentor_a)
    assert ask_code(client).status_code == 302
    mobile = MobileNumber.objects.get(user=mentor_a)
    assert str(mobile.number) == "+6281234567890"
    [request] = sms_gateway.requests
    assert request["json"]["to"] == "+6281234567890"
    code = code_in(sms_gateway)
    assert code not in mobile.code_hash and not mobile.is_confirmed
    form = rendered_form(client, URL, testid="code-form")
    assert form.submit(client, {"code": code}).status_code == 302
    mobile.refresh_from_db()
    assert mobile.is_confirmed and mobile.code_hash == ""


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12345", "Masukkan nomor ponsel seperti 0812 3456 7890."),
        ("+1 202 555 0143", "Hanya nomor Indonesia yang dapat menerima pengingat"),
        ("021 5550 1234", "Ini bukan nomor ponsel."),
    ],
)
def test_a_bad_or_foreign_number_is_refused_at_the_field(
    client, mentor_a, sms_gateway, typed, said
):
    client.force_login(mentor_a)
    response = ask_code(client, typed)
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not MobileNumber.objects.exists()
    assert sms_gateway.requests == []


def test_wrong_codes_are_limited_then_a_new_code_is_needed(client, mentor_a, sms_gateway):
    client.force_login(mentor_a)
    ask_code(client)
    code = code_in(sms_gateway)
    wrong = "000000" if code != "000000" else "111111"
    for tries_left in range(CODE_ATTEMPTS - 1, 0, -1):
        form = rendered_form(client, URL, testid="code-form")
        page = form.submit(client, {"code": wrong}).content.decode()
        assert f"Kode salah. Sisa {tries_left} percobaan." in page
    form = rendered_form(client, URL, testid="code-form")
    assert "tidak ada percobaan tersisa" in form.submit(client, {"code": wrong}).content.decode()
    # Even the right code no longer works: a new one must be asked for.
    form = rendered_form(client, URL, testid="code-form")
    assert "minta kode baru" in form.submit(client, {"code": code}).content.decode()
    assert not MobileNumber.objects.get().is_confirmed


def test_a_code_expires(client, mentor_a, sms_gateway):
    client.force_login(mentor_a)
    ask_code(client)
    code = code_in(sms_gateway)
    form = rendered_form(client, URL, testid="code-form")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        page = form.submit(client, {"code": code}).content.decode()
    assert "minta kode baru" in page
    assert not MobileNumber.objects.get().is_confirmed


def test_a_failed_send_saves_nothing(client, mentor_a, sms_gateway):
    sms_gateway.script = [("500",)]
    client.force_login(mentor_a)
    page = ask_code(client).content.decode()
    assert "Kode tidak dapat dikirim saat ini." in page
    assert not MobileNumber.objects.exists()


def test_without_a_provider_the_page_says_a_number_cannot_be_confirmed(client, mentor_a):
    client.force_login(mentor_a)
    page = client.get(URL).content.decode()
    assert 'data-testid="mobile-off"' in page
    assert 'data-testid="number-form"' not in page
