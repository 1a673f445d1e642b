"""Accounts (ASVS 5.0 level 2, V6 and V7): a deactivated or deleted account's sessions end
at once, and the password pages themselves refuse common passwords and take passphrases.
See docs/security.md."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.testing import rendered_form
from factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "evaluations:my_evaluations"
# In Django's list of 20,000 common passwords, and long enough to pass the length rule.
COMMON = "qwertyuiop123"
PASSPHRASE = "the mentor met her cadre at the village hall every tuesday " * 2  # 120 chars


def logged_in(user, address: str = "10.0.0.1") -> Client:
    """A browser that logged in through the login page."""
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get(reverse(PAGE)).status_code == 200
    return browser


def test_it_logs_out_a_mentor_deactivated_in_the_admin(mentor_a, admin):
    # Mentor A is logged in on a phone; an admin unticks "active" in the admin.
    phone = logged_in(mentor_a)
    staff = Client()
    staff.force_login(admin)
    form = rendered_form(
        staff, reverse("admin:auth_user_change", args=[mentor_a.pk]), has="is_active"
    )
    response = form.submit(staff, {"is_active": None})
    assert response.status_code == 302, response.context["adminform"].form.errors
    mentor_a.refresh_from_db()
    assert not mentor_a.is_active
    # The phone's next request meets the login page; the session is gone from the store.
    response = phone.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    # The admin's own session is untouched.
    assert staff.get(reverse("admin:index")).status_code == 200


def test_a_reactivated_account_does_not_revive_its_old_sessions(mentor_a, mentor_b):
    # Mentor A's cookie was copied; the account is deactivated, then reactivated.
    phone = logged_in(mentor_a)
    other = logged_in(mentor_b)
    mentor_a.is_active = False
    mentor_a.save()
    mentor_a.is_active = True
    mentor_a.save()
    # The copied cookie no longer works; mentor B's session was not touched.
    assert phone.get(reverse(PAGE)).status_code == 302
    assert other.get(reverse(PAGE)).status_code == 200
    # Mentor A logs in again normally.
    assert logged_in(mentor_a).get(reverse(PAGE)).status_code == 200


def test_it_ends_the_sessions_of_a_deleted_account(mentor_a):
    phone = logged_in(mentor_a)
    key = phone.session.session_key
    mentor_a.delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert phone.get(reverse(PAGE)).status_code == 302


def test_the_password_change_page_refuses_a_common_password_and_takes_a_passphrase(mentor_a):
    # Mentor A changes her password: first to a common one, then to a long passphrase.
    browser = logged_in(mentor_a)
    url = reverse("password_change")
    common = {"old_password": PASSWORD, "new_password1": COMMON, "new_password2": COMMON}
    response = browser.post(url, common)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    long = {"old_password": PASSWORD, "new_password1": PASSPHRASE, "new_password2": PASSPHRASE}
    assert browser.post(url, long).status_code == 302
    mentor_a.refresh_from_db()
    assert mentor_a.check_password(PASSPHRASE)
    # Changing the password keeps this browser logged in (the session hash is updated).
    assert browser.get(reverse(PAGE)).status_code == 200


def test_the_password_reset_page_refuses_a_common_password_and_takes_a_passphrase(mentor_a):
    # Someone with mentor A's reset link sets a new password.
    browser = Client()
    uid = urlsafe_base64_encode(force_bytes(mentor_a.pk))
    token = default_token_generator.make_token(mentor_a)
    response = browser.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    url = response.redirect_chain[-1][0]
    response = browser.post(url, {"new_password1": COMMON, "new_password2": COMMON})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    response = browser.post(url, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE})
    assert response.status_code == 302
    mentor_a.refresh_from_db()
    assert mentor_a.check_password(PASSPHRASE)
