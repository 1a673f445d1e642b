"""E-mail goes out through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from django.urls import reverse


def test_it_delivers_the_password_reset_mail_over_smtp(client, mentor_a, smtp):
    response = client.post(reverse("password_reset"), {"email": mentor_a.email})
    assert response.status_code == 302
    assert len(smtp.inbox.envelopes) == 1
    envelope = smtp.inbox.envelopes[0]
    assert envelope.rcpt_tos == [mentor_a.email]
    assert b"/accounts/reset/" in envelope.content


def test_it_tells_nothing_about_unknown_addresses(client, db, smtp):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert smtp.inbox.envelopes == []


def reset(client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_it_mails_one_person_a_bounded_number_of_resets(client, mentor_a, smtp):
    # Someone posts mentor A's address again and again (issue 15: every post sent a mail).
    answers = [reset(client, mentor_a.email, f"10.0.0.{n}") for n in range(1, 7)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429, 429]
    assert len(smtp.inbox.envelopes) == 3
    # The form says why, at the field; the links already sent still work.
    assert (
        "Terlalu banyak permintaan atur ulang kata sandi"
        in (answers[-1].context["form"].errors["email"][0])
    )


def test_the_limit_answers_alike_for_unknown_addresses(client, mentor_a, smtp):
    # The answer must not tell whether an account has the address.
    known = [reset(client, mentor_a.email, "10.0.1.1") for _ in range(4)]
    unknown = [reset(client, "nobody@example.org", "10.0.2.1") for _ in range(4)]
    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert known[-1].context["form"].errors == unknown[-1].context["form"].errors
    assert len(smtp.inbox.envelopes) == 3


def test_it_limits_one_client_trying_many_addresses(client, db, mentor_a, smtp):
    # One client walks through a list of addresses, then tries a real one.
    for n in range(10):
        assert reset(client, f"guess{n}@example.org", "10.0.3.1").status_code == 302
    assert reset(client, mentor_a.email, "10.0.3.1").status_code == 429
    assert smtp.inbox.envelopes == []
    # Another client is not held back by the first one.
    assert reset(client, mentor_a.email, "10.0.4.1").status_code == 302
    assert len(smtp.inbox.envelopes) == 1
