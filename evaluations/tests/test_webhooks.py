"""The providers' delivery callbacks: signed ones move a row forward (sent → delivered →
read, or failed and on to the next channel); forged, malformed, unknown, stale or replayed
ones are refused with a clear answer and change nothing. The reminders page says it."""

import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from accounts.models import MobileNumber
from core import messaging
from evaluations.models import Reminder
from factories import ReminderFactory
from testkit import SMS_WEBHOOK_SECRET, WHATSAPP_APP_SECRET

pytestmark = pytest.mark.django_db
WHATSAPP, SMS = "/evaluations/webhooks/whatsapp/", "/evaluations/webhooks/sms/"


@pytest.fixture
def on_whatsapp(world, whatsapp_api):
    evaluation = world["mentor_evaluation"]
    return ReminderFactory(
        evaluation=evaluation,
        recipient=evaluation.evaluator,
        channel="whatsapp",
        status="sent",
        sent_at=timezone.now(),
        provider_message_id="wamid.HBg1",
    )


@pytest.fixture
def on_sms(world, sms_gateway):
    evaluation = world["mentor_evaluation"]
    return ReminderFactory(
        evaluation=evaluation,
        recipient=evaluation.evaluator,
        channel="sms",
        status="sent",
        sent_at=timezone.now(),
        provider_message_id="sms-1",
    )


def whatsapp_body(message_id="wamid.HBg1", status="delivered", at=None, **extra) -> bytes:
    entry = {"id": message_id, "status": status, "timestamp": str(int(at or time.time()))}
    entry |= extra
    value = {"messaging_product": "whatsapp", "statuses": [entry]}
    data = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    return json.dumps(data).encode()


def post_whatsapp(client, body: bytes, secret=WHATSAPP_APP_SECRET):
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        WHATSAPP,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": f"sha256={signature}"},
    )


def post_sms(client, data, at=None, secret=SMS_WEBHOOK_SECRET):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    stamp = str(int(at or time.time()))
    signature = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return client.post(
        SMS,
        body,
        content_type="application/json",
        headers={"X-Sms-Timestamp": stamp, "X-Sms-Signature": signature.hexdigest()},
    )


def state(row):
    row.refresh_from_db()
    return row.delivery


def test_whatsapp_reports_delivered_then_read(client, on_whatsapp):
    assert post_whatsapp(client, whatsapp_body(status="delivered")).status_code == 200
    assert state(on_whatsapp) == "delivered"
    assert post_whatsapp(client, whatsapp_body(status="read")).status_code == 200
    assert state(on_whatsapp) == "read"


def test_a_forged_whatsapp_signature_changes_nothing(client, on_whatsapp):
    response = post_whatsapp(client, whatsapp_body(), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json() == {"detail": "bad signature"}
    assert (
        client.post(WHATSAPP, whatsapp_body(), content_type="application/json").status_code == 401
    )
    assert state(on_whatsapp) == ""


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"entry": 3}',
        whatsapp_body(status="exploded"),
        whatsapp_body(timestamp="soon"),
        whatsapp_body(id=""),
    ],
)
def test_a_malformed_whatsapp_callback_is_refused(client, on_whatsapp, body):
    assert post_whatsapp(client, body).status_code == 400
    assert state(on_whatsapp) == ""


def test_a_callback_for_an_unknown_message_is_404_and_changes_nothing(client, on_whatsapp):
    data = json.loads(whatsapp_body())
    data["entry"][0]["changes"][0]["value"]["statuses"].append(
        {"id": "wamid.never", "status": "read", "timestamp": str(int(time.time()))}
    )
    response = post_whatsapp(client, json.dumps(data).encode())
    assert response.status_code == 404
    assert "unknown message" in response.json()["detail"]
    assert state(on_whatsapp) == ""  # all or nothing: the known one is not recorded either


def test_a_replayed_or_stale_callback_is_refused(client, on_whatsapp):
    body = whatsapp_body(status="read")
    assert post_whatsapp(client, body).status_code == 200
    assert post_whatsapp(client, body).status_code == 409  # the same again
    assert post_whatsapp(client, whatsapp_body(status="delivered")).status_code == 409
    assert state(on_whatsapp) == "read"  # never backwards
    Reminder.objects.update(delivery="")
    old = whatsapp_body(status="delivered", at=time.time() - 7200)
    assert post_whatsapp(client, old).status_code == 409
    assert state(on_whatsapp) == ""


def test_a_failed_whatsapp_delivery_falls_back_to_sms(client, on_whatsapp, sms_gateway):
    MobileNumber.objects.create(
        user=on_whatsapp.recipient, number="+6281234567890", confirmed_at=timezone.now()
    )
    body = whatsapp_body(status="failed", errors=[{"code": 131026, "title": "Undeliverable"}])
    assert post_whatsapp(client, body).status_code == 200
    on_whatsapp.refresh_from_db()
    assert on_whatsapp.delivery == "failed"
    assert on_whatsapp.last_error == "Delivery failed: 131026 Undeliverable"
    [fallback] = on_whatsapp.fallbacks.all()
    assert (fallback.channel, fallback.status) == ("sms", "pending")


def test_the_sms_gateway_reports_delivered(client, on_sms):
    assert post_sms(client, {"id": "sms-1", "status": "delivered"}).status_code == 200
    assert state(on_sms) == "delivered"


def test_sms_callbacks_with_a_bad_signature_old_stamp_or_bad_body_change_nothing(client, on_sms):
    good = {"id": "sms-1", "status": "delivered"}
    assert post_sms(client, good, secret="forged").status_code == 401
    assert post_sms(client, good, at=time.time() - 7200).status_code == 409
    assert post_sms(client, b"{not json").status_code == 400
    assert post_sms(client, {"id": "sms-1", "status": "teleported"}).status_code == 400
    assert post_sms(client, {"id": "sms-999", "status": "delivered"}).status_code == 404
    assert state(on_sms) == ""
    assert post_sms(client, good).status_code == 200
    assert post_sms(client, good).status_code == 409  # replayed


def test_the_reminders_page_says_the_delivery_in_words(client, coordinator, on_whatsapp):
    post_whatsapp(client, whatsapp_body(status="read"))
    client.force_login(coordinator)
    page = client.get("/evaluations/reminders/").content.decode()
    assert 'data-testid="reminder-delivery">Dibaca</span>' in page
    assert 'data-testid="reminder-channel">WhatsApp</span>' in page


def test_the_signature_helpers_agree_with_the_documented_design(settings):
    settings.KADER_SMS_WEBHOOK_SECRET = "s"
    expected = hmac.new(b"s", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert messaging.sms_signature("1700000000", b"{}") == expected
    assert messaging.sms_signature_valid("1700000000", b"{}", expected)
    assert not messaging.sms_signature_valid("1700000001", b"{}", expected)
