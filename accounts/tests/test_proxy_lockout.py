"""Issue 15: behind a load balancer, anyone could lock anyone out.

With BEHIND_PROXY=1 every login attempt was recorded with the proxy's address, so five
wrong passwords from one client locked the username for every client, and the security
log named the proxy. Here a real reverse proxy on 127.0.0.1 (a small threaded HTTP proxy
that appends the address it saw to X-Forwarded-For, as nginx's
`proxy_add_x_forwarded_for` does) stands in front of a live server; clients connect to it
from distinct loopback addresses (127.0.0.2, 127.0.0.3, …).
"""

import http.client
import logging
import re
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import RequestFactory

from accounts.security import client_ip

WRONG = "wrong-guess-123456"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@pytest.fixture
def proxy(live_server, settings):
    """A reverse proxy on 127.0.0.1 in front of the live server; yields its port."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    upstream = urlsplit(live_server.url)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in HOP_BY_HOP | {"x-forwarded-for"}
            }
            seen = self.client_address[0]
            earlier = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{earlier}, {seen}" if earlier else seen
            headers["X-Forwarded-Proto"] = "http"
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
            finally:
                conn.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = forward

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


class Browser:
    """One client machine: its own loopback address, its own cookies."""

    def __init__(self, port: int, address: str, spoof: str | None = None) -> None:
        self.port, self.address, self.spoof = port, address, spoof
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.spoof:
            headers["X-Forwarded-For"] = self.spoof
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    for key, morsel in SimpleCookie(value).items():
                        self.cookies[key] = morsel.value
        finally:
            conn.close()
        return answer.status, text

    def log_in(self, username: str, password: str) -> int:
        _status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, _text = self.request("POST", "/accounts/login/", urlencode(form))
        return status


@pytest.mark.django_db(transaction=True)
def test_five_failures_lock_that_client_and_not_the_others(proxy, coordinator, password, caplog):
    caplog.set_level(logging.INFO, logger="accounts.security")
    a = Browser(proxy, "127.0.0.2")
    # The fifth failure is the one that locks.
    assert [a.log_in(coordinator.username, WRONG) for _ in range(5)] == [200] * 4 + [429]
    # A is locked out, even with the right password…
    assert a.log_in(coordinator.username, password) == 429
    # …but B, behind the same proxy, logs in as that user.
    b = Browser(proxy, "127.0.0.3")
    assert b.log_in(coordinator.username, password) == 302
    # The security log names the clients, never the proxy's address.
    failed = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    assert len(failed) == 6  # five wrong passwords and the locked-out right one
    assert all("ip=127.0.0.2" in line for line in failed), failed
    assert any("login user=coord ip=127.0.0.3" in r.getMessage() for r in caplog.records)
    assert not any("ip=127.0.0.1" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_forwarded_for_header_written_by_the_client_is_not_trusted(proxy, coordinator, password):
    a = Browser(proxy, "127.0.0.2")
    for _ in range(5):
        a.log_in(coordinator.username, WRONG)
    # A claims to be someone else: the proxy appends A's real address, which is used.
    a_in_disguise = Browser(proxy, "127.0.0.2", spoof="203.0.113.9")
    assert a_in_disguise.log_in(coordinator.username, password) == 429
    # C claims to be A: C is still C, and is not locked out by A's failures.
    c_as_a = Browser(proxy, "127.0.0.4", spoof="127.0.0.2")
    assert c_as_a.log_in(coordinator.username, password) == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no proxy configured: the header is anybody's
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # spoofed left part ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies of ours
        (1, "", "10.0.0.1"),  # came round the proxy: the connection's address
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_is_the_address_the_trusted_proxies_vouch_for(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
