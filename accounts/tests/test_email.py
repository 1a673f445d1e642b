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


def reset(client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_it_mails_one_person_a_bounded_number_of_resets(client, mentor_a, smtp_server):
    # Someone posts mentor A's address again and again (issue 15: every post sent a mail).
    answers = [reset(client, mentor_a.email, f"10.0.0.{n}") for n in range(1, 7)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429, 429]
    assert len(smtp_server.messages) == 3
    # The form says why, at the field; the links already sent still work.
    assert (
        "Terlalu banyak permintaan atur ulang kata sandi"
        in (answers[-1].context["form"].errors["email"][0])
    )


def test_the_limit_answers_alike_for_unknown_addresses(client, mentor_a, smtp_server):
    # The answer must not tell whether an account has the address.
    known = [reset(client, mentor_a.email, "10.0.1.1") for _ in range(4)]
    unknown = [reset(client, "nobody@example.org", "10.0.2.1") for _ in range(4)]
    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert known[-1].context["form"].errors == unknown[-1].context["form"].errors
    assert len(smtp_server.messages) == 3


def test_it_limits_one_client_trying_many_addresses(client, db, mentor_a, smtp_server):
    # One client walks through a list of addresses, then tries a real one.
    for n in range(10):
        assert reset(client, f"guess{n}@example.org", "10.0.3.1").status_code == 302
    assert reset(client, mentor_a.email, "10.0.3.1").status_code == 429
    assert smtp_server.messages == []
    # Another client is not held back by the first one.
    assert reset(client, mentor_a.email, "10.0.4.1").status_code == 302
    assert len(smtp_server.messages) == 1
