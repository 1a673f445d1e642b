"""Login, logout, password change and reset, in the app's look and language."""

import re

import pytest
from django.core import mail
from django.urls import reverse


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    # An anonymous visitor opens the home page.
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_login_page_in_indonesian(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert "Masuk ke Kader" in response.content.decode()


def test_it_logs_a_coordinator_in_and_shows_the_home_page(client, coordinator, password):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": password}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == coordinator
    assert "Dasbor program" in response.content.decode()


def test_it_refuses_a_wrong_password_with_a_message(client, coordinator):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "alert" in response.content.decode()


def test_it_logs_out_on_post_only(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_changes_a_password_with_errors_at_the_field(client, mentor_a, password):
    client.force_login(mentor_a)
    url = reverse("password_change")
    response = client.post(
        url, {"old_password": password, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    new = "a-much-longer-passphrase-2026"
    response = client.post(
        url, {"old_password": password, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    mentor_a.refresh_from_db()
    assert mentor_a.check_password(new)


def test_it_resets_a_forgotten_password_by_email(client, mentor_a):
    response = client.post(reverse("password_reset"), {"email": mentor_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/reset/[^\s]+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    new = "a-brand-new-passphrase-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    mentor_a.refresh_from_db()
    assert mentor_a.check_password(new)


@pytest.mark.parametrize("name", ["password_reset_done", "password_reset_complete"])
def test_it_renders_the_reset_pages_in_the_apps_look(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'id="main"' in response.content.decode()
