"""The providers' delivery callbacks: each updates the outbox row its message came from.

Both answer the same way: a bad signature 401, a body that is not the provider's shape 400,
a message we never sent 404, a callback outside the time window or one that reports nothing
new (a replay) 409 — each with nothing changed; otherwise 200. All statuses of one callback
are recorded together or not at all. A "failed" delivery hands the reminder on to the next
channel, as a failure at sending does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core import messaging
from evaluations.models import DELIVERY_ORDER, Channel, Delivery, Reminder
from evaluations.reminders import _enqueue, reminder_fall_back


@dataclass
class Report:
    message_id: str
    status: str
    at: dt.datetime
    error: str = ""


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _answer(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _moment(value) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise Refused(400, "timestamp is not a Unix time") from exc


def _in_window(moment: dt.datetime, now: dt.datetime) -> bool:
    window = dt.timedelta(seconds=settings.KADER_WEBHOOK_WINDOW)
    return now - window <= moment <= now + dt.timedelta(seconds=60)


def _record(channel: str, reports: list[Report]) -> JsonResponse:
    """Apply the reports to their rows, all or none."""
    now = timezone.now()
    if any(not _in_window(report.at, now) for report in reports):
        return _answer(409, "stale callback: outside the time window (a replay?)")
    ids = {report.message_id for report in reports}
    with transaction.atomic():
        # unscoped: a provider's callback acts for the system, found by the provider's id.
        rows = {
            row.provider_message_id: row
            for row in Reminder.objects.filter(channel=channel, provider_message_id__in=ids)
            .unscoped()
            .select_for_update()
        }
        unknown = ids - set(rows)
        if unknown:
            return _answer(404, f"unknown message: {sorted(unknown)[0][:80]}")
        changed, follow = 0, []
        for report in reports:
            row = rows[report.message_id]
            if not _advances(row.delivery, report.status):
                continue
            row.delivery, row.delivery_at = report.status, report.at
            fields = {"delivery": row.delivery, "delivery_at": row.delivery_at}
            if report.status == Delivery.FAILED:
                fields["last_error"] = f"Delivery failed: {report.error}"[:500]
                follow += reminder_fall_back(reminder=row, now=now)
            Reminder.objects.filter(pk=row.pk).unscoped().update(**fields)
            changed += 1
        if not changed:
            return _answer(409, "nothing new: every status was recorded already (a replay?)")
        if follow:
            transaction.on_commit(lambda: _enqueue(follow, None))
    return _answer(200, f"recorded {changed}")


def _advances(current: str, new: str) -> bool:
    if new == Delivery.FAILED:
        return current in ("", Delivery.SENT)
    return DELIVERY_ORDER[new] > DELIVERY_ORDER.get(current, 0) and current != Delivery.FAILED


# --- WhatsApp ----------------------------------------------------------------------------

WHATSAPP_STATUSES = {"sent", "delivered", "read", "failed"}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _whatsapp_verify(request)
    body = request.body
    if not messaging.whatsapp_signature_valid(body, request.headers.get("X-Hub-Signature-256", "")):
        return _answer(401, "bad signature")
    try:
        reports = _whatsapp_reports(body)
    except Refused as refused:
        return _answer(refused.status, refused.detail)
    if not reports:
        return _answer(200, "no status in this callback")
    return _record(Channel.WHATSAPP, reports)


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
    """Meta's subscription handshake: echo the challenge when the verify token matches."""
    token = settings.KADER_WHATSAPP_VERIFY_TOKEN
    if token and request.GET.get("hub.verify_token") == token:
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return _answer(401, "bad verify token")


def _whatsapp_reports(body: bytes) -> list[Report]:
    try:
        data = json.loads(body)
        statuses = [
            status
            for entry in data["entry"]
            for change in entry["changes"]
            for status in change["value"].get("statuses", [])
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Refused(400, "malformed body: not a WhatsApp webhook") from exc
    reports = []
    for status in statuses:
        if not isinstance(status, dict) or status.get("status") not in WHATSAPP_STATUSES:
            raise Refused(400, "malformed status")
        if not isinstance(status.get("id"), str) or not status["id"]:
            raise Refused(400, "malformed status: no message id")
        errors = status.get("errors") or [{}]
        error = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
        reports.append(
            Report(
                status["id"],
                status["status"],
                _moment(status.get("timestamp")),
                f"{error.get('code', '')} {error.get('title', '')}".strip(),
            )
        )
    return reports


# --- SMS ---------------------------------------------------------------------------------

SMS_STATUSES = {"sent", "delivered", "failed"}


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    body = request.body
    stamp = request.headers.get("X-Sms-Timestamp", "")
    if not messaging.sms_signature_valid(stamp, body, request.headers.get("X-Sms-Signature", "")):
        return _answer(401, "bad signature")
    try:
        signed_at = _moment(stamp)
        if not _in_window(signed_at, timezone.now()):
            raise Refused(409, "stale callback: outside the time window (a replay?)")
        report = _sms_report(body, signed_at)
    except Refused as refused:
        return _answer(refused.status, refused.detail)
    return _record(Channel.SMS, [report])


def _sms_report(body: bytes, signed_at: dt.datetime) -> Report:
    try:
        data = json.loads(body)
        message_id, status = data["id"], data["status"]
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused(400, "malformed body: expected {id, status}") from exc
    if not isinstance(message_id, str) or not message_id or status not in SMS_STATUSES:
        raise Refused(400, "malformed body: unknown status or id")
    return Report(message_id, status, signed_at, str(data.get("error", ""))[:200])
