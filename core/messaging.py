"""Plain-HTTP clients of the two message providers Kader can use beside e-mail.

They know nothing of reminders or people: a number, a text or a template, and an
idempotency key the caller derives from its own row, so that a message sent again after a
crash (the provider accepted it, the caller died before recording that) is recognised at
the provider's side, as a Message-ID is by a mail client.

- WhatsApp: the WhatsApp Business Cloud API, `POST {base}/{phone-number-id}/messages` with a
  pre-approved template and a Bearer token. The key goes as `biz_opaque_callback_data`
  (echoed back in its status webhooks) and as an `Idempotency-Key` header.
- SMS: a configurable gateway with a plain JSON API (README, "Reminders by WhatsApp and
  SMS"): `POST {url}` with `{"to", "text", "sender", "reference"}`, a Bearer token and the
  key as `Idempotency-Key` and `reference`; it answers `{"id": …}`.

Each is off unless its settings are set. Failures raise `ProviderError`: `permanent` when
sending again cannot help (the number is unreachable, the template rejected), with
`retry_after` when the provider said when to come back (429 with Retry-After).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

import requests
from django.conf import settings

# The reasons a provider's answer is reduced to; the outbox stores them as the row's error
# (`<channel>: <reason>: <detail>`) and the pages say each in words.
UNREACHABLE = "unreachable"
REJECTED = "rejected"
REFUSED = "refused"
RATE_LIMITED = "rate limited"
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"

# WhatsApp's error codes that no retry can cure: the number has no WhatsApp, the template is
# missing, paused or its parameters wrong, the person blocked us or re-engagement is needed.
WHATSAPP_UNREACHABLE = {131026, 131047, 131049, 131050, 131051, 133010}
WHATSAPP_TEMPLATE = {132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069}


@dataclass
class ProviderError(Exception):
    reason: str
    detail: str = ""
    permanent: bool = False
    retry_after: int | None = None

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"[:400]


def _timeout() -> tuple[float, float]:
    return (5.0, float(getattr(settings, "KADER_PROVIDER_TIMEOUT", 10)))


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _post(url: str, *, json: dict, token: str, key: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    try:
        return requests.post(url, json=json, headers=headers, timeout=_timeout())
    except requests.Timeout as exc:
        raise ProviderError(TIMEOUT, str(exc)[:200]) from exc
    except requests.RequestException as exc:
        raise ProviderError(UNAVAILABLE, f"{type(exc).__name__}: {exc}"[:200]) from exc


def _json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _common_failure(response: requests.Response) -> ProviderError | None:
    if response.status_code == 429:
        return ProviderError(RATE_LIMITED, "429", retry_after=_retry_after(response))
    if response.status_code >= 500:
        return ProviderError(UNAVAILABLE, str(response.status_code))
    if response.status_code in (401, 403):
        # Our token is wrong: nothing the person can fix, but retrying later may (a rotated
        # token), so not permanent.
        return ProviderError(REFUSED, str(response.status_code))
    return None


# --- WhatsApp ----------------------------------------------------------------------------


def whatsapp_enabled() -> bool:
    return bool(settings.KADER_WHATSAPP_TOKEN and settings.KADER_WHATSAPP_PHONE_NUMBER_ID)


def whatsapp_send_template(
    *, to: str, template: str, language: str, body: list[str], url_suffix: str, key: str
) -> str:
    """Send a template message; the provider's message id (`wamid…`)."""
    base = settings.KADER_WHATSAPP_API_URL.rstrip("/")
    url = f"{base}/{settings.KADER_WHATSAPP_PHONE_NUMBER_ID}/messages"
    components: list[dict] = [
        {"type": "body", "parameters": [{"type": "text", "text": text} for text in body]}
    ]
    if url_suffix:
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": url_suffix}],
            }
        )
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {"name": template, "language": {"code": language}, "components": components},
        "biz_opaque_callback_data": key,
    }
    response = _post(url, json=payload, token=settings.KADER_WHATSAPP_TOKEN, key=key)
    data = _json(response)
    if response.ok:
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderError(UNAVAILABLE, "no message id in the answer") from exc
    found = data.get("error")
    error: dict = found if isinstance(found, dict) else {}
    code = error.get("code")
    detail = f"{response.status_code} {code} {error.get('message', '')}".strip()[:300]
    if code == 130429 or code == 80007:
        return _raise(ProviderError(RATE_LIMITED, detail, retry_after=_retry_after(response)))
    if code in WHATSAPP_UNREACHABLE:
        return _raise(ProviderError(UNREACHABLE, detail, permanent=True))
    if code in WHATSAPP_TEMPLATE:
        return _raise(ProviderError(REJECTED, detail, permanent=True))
    common = _common_failure(response)
    if common:
        common.detail = detail
        return _raise(common)
    return _raise(ProviderError(REJECTED, detail, permanent=True))


def _raise(error: ProviderError):
    raise error


def whatsapp_signature_valid(body: bytes, header: str) -> bool:
    """Meta signs each webhook's body: `X-Hub-Signature-256: sha256=<hex HMAC of the app
    secret>`."""
    secret = settings.KADER_WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


# --- SMS ---------------------------------------------------------------------------------


def sms_enabled() -> bool:
    return bool(settings.KADER_SMS_URL and settings.KADER_SMS_TOKEN)


def sms_send(*, to: str, text: str, key: str) -> str:
    """Send one text; the gateway's message id."""
    payload = {"to": to, "text": text, "sender": settings.KADER_SMS_SENDER, "reference": key}
    response = _post(settings.KADER_SMS_URL, json=payload, token=settings.KADER_SMS_TOKEN, key=key)
    data = _json(response)
    if response.ok:
        if not data.get("id"):
            raise ProviderError(UNAVAILABLE, "no message id in the answer")
        return str(data["id"])
    detail = f"{response.status_code} {str(data.get('error', ''))[:200]}".strip()
    common = _common_failure(response)
    if common:
        common.detail = detail
        raise common
    if response.status_code in (404, 410, 422):
        raise ProviderError(UNREACHABLE, detail, permanent=True)
    raise ProviderError(REJECTED, detail, permanent=True)


def sms_signature(timestamp: str, body: bytes) -> str:
    """The gateway signs each callback: hex HMAC-SHA256 of `<timestamp>.<body>` with
    KADER_SMS_WEBHOOK_SECRET, sent as `X-Sms-Signature` beside `X-Sms-Timestamp`."""
    secret = settings.KADER_SMS_WEBHOOK_SECRET.encode()
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def sms_signature_valid(timestamp: str, body: bytes, header: str) -> bool:
    if not settings.KADER_SMS_WEBHOOK_SECRET or not header:
        return False
    return hmac.compare_digest(sms_signature(timestamp, body), header)


# GSM 03.38's basic set: a text within it fits 160 characters in one SMS; one character
# outside it (an emoji, a curly quote) makes the whole message UCS-2, 70 per segment.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
SMS_SEGMENT = 160


def gsm_text(text: str) -> str:
    """The text in GSM characters: accents dropped where the letter is not in the set,
    anything else that is not replaced by "?"."""
    out = []
    for char in text:
        if char in GSM_BASIC:
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(plain if plain and all(c in GSM_BASIC for c in plain) else "?")
    return "".join(out)


def one_segment(head: str, middle: str, tail: str) -> str:
    """`head + middle + tail` in GSM characters, the middle shortened (with "…" as "...") so
    that the whole fits one 160-character segment when head and tail allow it."""
    head, middle, tail = gsm_text(head), gsm_text(middle), gsm_text(tail)
    room = SMS_SEGMENT - len(head) - len(tail)
    if len(middle) > room:
        middle = middle[: max(room - 3, 0)].rstrip() + "..." if room > 3 else ""
    return head + middle + tail
