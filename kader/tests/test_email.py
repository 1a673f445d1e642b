"""E-mail goes out through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def test_it_delivers_the_password_reset_mail_over_smtp(client, mentor_a, smtp_server):
    response = client.post(reverse("password_reset"), {"email": mentor_a.email})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [mentor_a.email]
    assert b"/accounts/reset/" in envelope.content


def test_it_tells_nothing_about_unknown_addresses(client, db, smtp_server):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert smtp_server.messages == []
