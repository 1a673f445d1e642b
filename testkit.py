"""Helpers shared by every app's tests; the fixtures built on them are in conftest.py.

- ``log_in(page, username, ...)``: a Playwright page logs in through the login form.
- ``SmtpServer`` and ``Inbox``: a real SMTP server (aiosmtpd) on 127.0.0.1 and what it got;
  the ``smtp`` fixture points the app's mail at one.
- ``free_port()``, ``database_url()``, ``wait_for()``: for tests that start other processes
  (a Celery worker, gunicorn) against the test database.
"""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.conf import settings

from devtools.demo import DEMO_PASSWORD

BASE_DIR = Path(__file__).resolve().parent
LOGIN_PATH = "/accounts/login/"


def log_in(
    page, username: str, password: str = DEMO_PASSWORD, *, site: str = "", next_url: str = ""
) -> None:
    """Fill the rendered login form, whatever the language, and wait to leave it.

    With `site` (a live server's URL), the page opens that site's login page first (with
    `next_url`); without it, the login page of the site the page shows, unless the page is
    on it already (a journey sent there with its `next`).
    """
    if site or LOGIN_PATH not in page.url:
        base = site or "/".join(page.url.split("/", 3)[:3])
        page.goto(base + LOGIN_PATH + (f"?next={quote(next_url)}" if next_url else ""))
    form = page.locator(f"form[action$='{LOGIN_PATH}']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: LOGIN_PATH not in url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Collects what the SMTP server accepted; `delay` slows each message down.

    `messages` are the parsed e-mails, `envelopes` what the server received (recipients,
    raw content).
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list = []
        self.envelopes: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: a slow, real SMTP server
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self, port: int, inbox: Inbox) -> None:
        self.port, self.inbox, self.controller = port, inbox, None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def database_url() -> str:
    """The test database, as a DATABASE_URL for another process."""
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{host}:{port}/{db['NAME']}"


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


class ProviderImitation:
    """A real HTTP server on 127.0.0.1 that answers as the WhatsApp Business Cloud API
    (`kind="whatsapp"`: POST /{phone-number-id}/messages) or as Kader's documented SMS
    gateway (`kind="sms"`: POST /messages) would.

    It keeps every request (`requests`), and recognises a repeated Idempotency-Key as the
    same message, as the providers do: `accepted` holds one entry per key, the message as
    first received, and a repeat answers the same id. `script` lists how to answer the
    next requests, in turn, before the default (accept): `("429", seconds)`,
    `("sleep", seconds)` (then accept), `("unreachable",)`, `("rejected",)`, `("500",)`.
    """

    TOKEN = "test-token"  # noqa: S105 (the imitation's, not a secret)

    def __init__(self, kind: str) -> None:
        import threading

        self.kind = kind
        self.requests: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.script: list[tuple] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def texts(self) -> list[str]:
        return [m["json"].get("text", "") for m in self.accepted.values()]

    def start(self) -> ProviderImitation:
        import threading
        from http.server import ThreadingHTTPServer

        imitation = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(imitation))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, headers: dict, body: bytes) -> tuple[int, dict, dict]:
        import json

        try:
            data = json.loads(body)
        except ValueError:
            return 400, {}, {"error": "malformed"}
        with self.lock:
            self.requests.append({"headers": headers, "json": data, "at": time.monotonic()})
            step = self.script.pop(0) if self.script else ("ok",)
        if headers.get("authorization") != f"Bearer {self.TOKEN}":
            return 401, {}, {"error": {"code": 190, "message": "Invalid OAuth access token"}}
        if step[0] == "429":
            return 429, {"Retry-After": str(step[1])}, {"error": {"code": 130429}}
        if step[0] == "500":
            return 500, {}, {"error": "internal"}
        if step[0] == "unreachable":
            if self.kind == "whatsapp":
                return 400, {}, {"error": {"code": 131026, "message": "Message undeliverable"}}
            return 422, {}, {"error": "number unreachable"}
        if step[0] == "rejected":
            if self.kind == "whatsapp":
                return 404, {}, {"error": {"code": 132001, "message": "Template does not exist"}}
            return 400, {}, {"error": "rejected"}
        if step[0] == "sleep":
            time.sleep(step[1])
        if self.delay:
            time.sleep(self.delay)
        key = headers.get("idempotency-key", "")
        with self.lock:
            if key not in self.accepted:
                prefix = "wamid.HBg" if self.kind == "whatsapp" else "sms-"
                self.accepted[key] = {"id": f"{prefix}{len(self.accepted) + 1}", "json": data}
            message_id = self.accepted[key]["id"]
        if self.kind == "whatsapp":
            return 200, {}, {"messaging_product": "whatsapp", "messages": [{"id": message_id}]}
        return 200, {}, {"id": message_id}


def _handler_for(imitation: ProviderImitation):
    import json
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, data = imitation.answer(headers, body)
            payload = json.dumps(data).encode()
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, *args) -> None:
            pass

    return Handler


# The imitations' secrets: the tests sign callbacks with them (not secrets of anything real).
WHATSAPP_APP_SECRET = "whatsapp-app-secret"  # noqa: S105
SMS_WEBHOOK_SECRET = "sms-webhook-secret"  # noqa: S105


def provider_env(whatsapp: ProviderImitation | None, sms: ProviderImitation | None) -> dict:
    """The environment that points Kader (a worker process, or settings) at imitations."""
    env = {
        "KADER_WHATSAPP_PHONE_NUMBER_ID": "",
        "KADER_WHATSAPP_TOKEN": "",
        "KADER_SMS_URL": "",
        "KADER_SMS_TOKEN": "",
    }
    if whatsapp:
        env |= {
            "KADER_WHATSAPP_API_URL": whatsapp.url,
            "KADER_WHATSAPP_PHONE_NUMBER_ID": "1234567890",
            "KADER_WHATSAPP_TOKEN": ProviderImitation.TOKEN,
            "KADER_WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
        }
    if sms:
        env |= {
            "KADER_SMS_URL": f"{sms.url}/messages",
            "KADER_SMS_TOKEN": ProviderImitation.TOKEN,
            "KADER_SMS_WEBHOOK_SECRET": SMS_WEBHOOK_SECRET,
        }
    return env
