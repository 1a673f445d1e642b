"""Reminders by WhatsApp and SMS, sent to imitations of the providers on 127.0.0.1: the
request each provider gets, its refusals, its 429s and slow answers, and the fall back to
the next channel when one fails for good."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import MobileNumber
from core import messaging
from evaluations.models import Reminder, ReminderPreference
from evaluations.reminders import reminder_send, reminders_sweep
from factories import ReminderFactory

pytestmark = pytest.mark.django_db


def confirmed(user, number="+6281234567890"):
    return MobileNumber.objects.create(user=user, number=number, confirmed_at=timezone.now())


@pytest.fixture
def reminder(world):
    evaluation = world["mentor_evaluation"]
    confirmed(evaluation.evaluator)
    return evaluation, ReminderFactory(
        evaluation=evaluation, recipient=evaluation.evaluator, kind="due_today"
    )


def on(reminder, channel):
    Reminder.objects.filter(pk=reminder.pk).update(channel=channel)
    return reminder


def test_it_sends_a_whatsapp_template_with_the_facts_and_a_link_back(reminder, whatsapp_api):
    evaluation, row = reminder
    assert reminder_send(reminder_id=on(row, "whatsapp").pk) is None
    [request] = whatsapp_api.requests
    body = request["json"]
    assert request["headers"]["idempotency-key"] == f"kader-reminder-{row.pk}"
    assert body["to"] == "6281234567890"
    assert body["template"]["name"] == "kader_due_today"
    assert body["template"]["language"] == {"code": "id"}
    [text_part, button] = body["template"]["components"]
    params = [p["text"] for p in text_part["parameters"]]
    assert params[0] == evaluation.evaluator.get_full_name()
    assert params[2] == "16/06/2025" or "2025" in params[2]
    assert button["sub_type"] == "url"
    assert button["parameters"][0]["text"] == f"evaluations/{evaluation.pk}/"
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == ("sent", "wamid.HBg1")


def test_it_sends_an_sms_within_one_gsm_segment(reminder, sms_gateway):
    evaluation, row = reminder
    reminder_send(reminder_id=on(row, "sms").pk)
    [text] = sms_gateway.texts
    assert len(text) <= 160
    assert messaging.gsm_text(text) == text
    assert text.startswith("Kader: ")
    assert text.endswith(f"/evaluations/{evaluation.pk}/")
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == ("sent", "sms-1")


def test_a_long_subject_is_shortened_to_fit_one_segment():
    text = messaging.one_segment("Kader: ", "Évaluasi “sangat” panjang " * 20, " https://x/1/")
    assert len(text) == 160 and text.endswith("... https://x/1/")
    assert messaging.gsm_text(text) == text


def test_a_429_is_retried_after_the_seconds_the_provider_asked(reminder, whatsapp_api):
    _evaluation, row = reminder
    whatsapp_api.script = [("429", 7)]
    before = timezone.now()
    assert reminder_send(reminder_id=on(row, "whatsapp").pk) == 7
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.next_attempt_at >= before + dt.timedelta(seconds=7)
    assert row.problem() == "WhatsApp meminta kami menunggu; pesan dikirim lagi nanti."


def test_a_timeout_is_retried_and_the_resend_is_the_same_message_at_the_provider(
    reminder, sms_gateway, settings
):
    # The gateway took the message but answered too late: the worker cannot know it was
    # accepted, sends again, and the gateway recognises the idempotency key.
    _evaluation, row = reminder
    settings.KADER_PROVIDER_TIMEOUT = 1
    sms_gateway.script = [("sleep", 2.5)]
    assert reminder_send(reminder_id=on(row, "sms").pk) == 60
    row.refresh_from_db()
    assert row.status == "pending" and row.last_error.startswith("sms: timeout")
    Reminder.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert reminder_send(reminder_id=row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(sms_gateway.requests) == 2
    assert len(sms_gateway.accepted) == 1


def test_a_slow_answer_within_the_timeout_is_a_sent_message(reminder, sms_gateway, settings):
    _evaluation, row = reminder
    settings.KADER_PROVIDER_TIMEOUT = 5
    sms_gateway.script = [("sleep", 1.5)]
    assert reminder_send(reminder_id=on(row, "sms").pk) is None
    row.refresh_from_db()
    assert row.status == "sent"


def test_a_server_error_is_retried_with_backoff(reminder, whatsapp_api):
    _evaluation, row = reminder
    whatsapp_api.script = [("500",)]
    assert reminder_send(reminder_id=on(row, "whatsapp").pk) == 60
    row.refresh_from_db()
    assert row.status == "pending"


def test_an_unreachable_whatsapp_number_falls_back_to_sms_and_says_so(
    reminder, whatsapp_api, sms_gateway
):
    _evaluation, row = reminder
    whatsapp_api.script = [("unreachable",)]
    reminder_send(reminder_id=on(row, "whatsapp").pk)
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.problem() == "WhatsApp tidak dapat menjangkau nomor ini."
    [fallback] = row.fallbacks.all()
    assert (fallback.channel, fallback.status) == ("sms", "pending")
    reminder_send(reminder_id=fallback.pk)
    reminder_send(reminder_id=row.pk)  # the failed row is not sent again
    fallback.refresh_from_db()
    assert fallback.status == "sent"
    assert len(sms_gateway.accepted) == 1 and len(whatsapp_api.requests) == 1


def test_a_rejected_sms_falls_back_to_e_mail(reminder, sms_gateway, smtp):
    _evaluation, row = reminder
    sms_gateway.script = [("rejected",)]
    reminder_send(reminder_id=on(row, "sms").pk)
    [fallback] = Reminder.objects.filter(fell_back_from=row)
    assert fallback.channel == "email"
    reminder_send(reminder_id=fallback.pk)
    assert smtp.inbox.message_ids() == [f"<reminder-{fallback.pk}@kader>"]


def test_a_channel_that_is_off_hands_the_reminder_to_e_mail(reminder, smtp):
    _evaluation, row = reminder
    reminder_send(reminder_id=on(row, "whatsapp").pk)
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.problem() == "Saluran ini belum disiapkan di Kader ini."
    [fallback] = row.fallbacks.all()
    assert fallback.channel == "email"


def test_nothing_goes_to_an_unconfirmed_number(reminder, whatsapp_api, smtp):
    evaluation, row = reminder
    MobileNumber.objects.filter(user=evaluation.evaluator).update(confirmed_at=None)
    reminder_send(reminder_id=on(row, "whatsapp").pk)
    assert whatsapp_api.requests == []
    row.refresh_from_db()
    assert row.last_error == "No confirmed mobile number"
    assert row.fallbacks.get().channel == "email"


def test_the_sweep_puts_each_reminder_on_the_channel_chosen_for_its_kind(world):
    evaluation = world["mentor_evaluation"]
    ReminderPreference.objects.create(user=evaluation.evaluator, channels={"due_today": "sms"})
    reminders_sweep(today=evaluation.due_date, enqueue=False)
    mine = Reminder.objects.get(recipient=evaluation.evaluator, kind="due_today")
    theirs = Reminder.objects.get(recipient=world["agreement_evaluation"].evaluator)
    assert (mine.channel, theirs.channel) == ("sms", "email")
