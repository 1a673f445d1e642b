"""The channels a reminder can go by, each a backend behind one interface.

`Backend.send(reminder)` sends the row's message and returns the provider's message id (""
for e-mail, whose Message-ID is the row's own); it raises `messaging.ProviderError` (or, for
e-mail, an SMTP/OS error) when it fails, `permanent` when trying again cannot help.
`unavailable(reminder)` says, before any attempt, why this channel cannot carry the row
(off, no confirmed number): the outbox then falls back as for a permanent failure.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation

from core import messaging
from evaluations.models import Channel, Reminder

# The order a reminder falls back in, after the channel that failed for good.
FALLBACK_ORDER = [Channel.WHATSAPP, Channel.SMS, Channel.EMAIL]


def confirmed_number(user) -> str:
    from accounts.models import MobileNumber

    mobile = MobileNumber.objects.filter(user=user, confirmed_at__isnull=False).first()
    return str(mobile.number) if mobile else ""


class Backend:
    channel: str = ""

    def enabled(self) -> bool:
        raise NotImplementedError

    def unavailable(self, reminder: Reminder) -> str:
        if not self.enabled():
            return "Channel off"
        return ""

    def send(self, reminder: Reminder) -> str:
        raise NotImplementedError


class EmailBackend(Backend):
    channel = Channel.EMAIL

    def enabled(self) -> bool:
        return True

    def unavailable(self, reminder: Reminder) -> str:
        # Kept as it always was: a person without an address is skipped (sweep's rule).
        return ""

    def send(self, reminder: Reminder) -> str:
        from evaluations.reminders import build_message

        build_message(reminder).send()
        return ""


def _facts(reminder: Reminder) -> tuple[str, str, str]:
    """(language, the subject line of the e-mail, the link's path) for the short channels."""
    from evaluations.reminders import link_for, message_context, preference_for

    language = preference_for(reminder.recipient).language
    with translation.override(language):
        base = f"evaluations/emails/{reminder.kind}"
        line = render_to_string(f"{base}-subject.txt", message_context(reminder)).strip()
    link = link_for(reminder)
    return language, " ".join(line.split()), link


class MobileBackend(Backend):
    def unavailable(self, reminder: Reminder) -> str:
        off = super().unavailable(reminder)
        if off:
            return off
        if not confirmed_number(reminder.recipient):
            return "No confirmed mobile number"
        return ""


class WhatsAppBackend(MobileBackend):
    """A pre-approved template per kind (`<prefix><kind>`, in Indonesian and English):
    body {{1}} the person's name, {{2}} what it is about, {{3}} the date; a URL button whose
    base is SITE_URL and whose suffix is the page's path."""

    channel = Channel.WHATSAPP

    def enabled(self) -> bool:
        return messaging.whatsapp_enabled()

    def send(self, reminder: Reminder) -> str:
        language, line, link = _facts(reminder)
        with translation.override(language):
            date = formats.date_format(reminder.for_date, "SHORT_DATE_FORMAT")
        recipient = reminder.recipient
        return messaging.whatsapp_send_template(
            to=confirmed_number(recipient),
            template=settings.KADER_WHATSAPP_TEMPLATE_PREFIX + reminder.kind,
            language=language,
            body=[recipient.get_full_name() or recipient.get_username(), line, date],
            url_suffix=link.removeprefix(settings.SITE_URL.rstrip("/")).lstrip("/"),
            key=reminder.idempotency_key,
        )


class SmsBackend(MobileBackend):
    channel = Channel.SMS

    def enabled(self) -> bool:
        return messaging.sms_enabled()

    def send(self, reminder: Reminder) -> str:
        _language, line, link = _facts(reminder)
        text = messaging.one_segment("Kader: ", line, f" {link}")
        return messaging.sms_send(
            to=confirmed_number(reminder.recipient), text=text, key=reminder.idempotency_key
        )


BACKENDS: dict[str, Backend] = {
    backend.channel: backend for backend in (EmailBackend(), WhatsAppBackend(), SmsBackend())
}


def backend_for(channel: str) -> Backend:
    return BACKENDS.get(channel, BACKENDS[Channel.EMAIL])


def enabled_channels() -> list[str]:
    return [channel for channel, backend in BACKENDS.items() if backend.enabled()]


def next_channel(reminder: Reminder) -> str | None:
    """The channel to try after this row's failed for good: the next in FALLBACK_ORDER not
    tried yet in this reminder's chain that can carry it; e-mail last, if the person has
    an address."""
    tried = {reminder.channel}
    row = reminder
    while row.fell_back_from_id:
        row = row.fell_back_from
        tried.add(row.channel)
    for channel in FALLBACK_ORDER:
        if channel in tried:
            continue
        if channel == Channel.EMAIL:
            if reminder.recipient.email:
                return channel
            continue
        if not backend_for(channel).unavailable(reminder):
            return channel
    return None
