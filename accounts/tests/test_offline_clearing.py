"""What a phone kept offline for one person (issue 19) is cleared by the browser when they
log out, or when someone else logs in on that browser: `Clear-Site-Data`."""

import pytest
from django.urls import reverse

from accounts.login_expiry import USER_COOKIE
from accounts.logout import CLEAR_SITE_DATA
from factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"


def test_logging_out_clears_the_phones_caches_and_storage(client, mentor_a):
    client.force_login(mentor_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA == '"cache", "storage"'


def test_another_person_logging_in_on_the_browser_clears_what_it_kept(client, mentor_a):
    # Mentor A used this browser; Dewi logs in on it next.
    dewi = UserFactory(username="dewi", password=PASSWORD)
    client.force_login(mentor_a)
    client.get(reverse("programs:mentor_home"))
    assert USER_COOKIE in client.cookies
    client.post(reverse("logout"))  # the last user's cookie stays, as in a browser
    response = client.post(reverse("login"), {"username": "dewi", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA
    # Once: Dewi's next page clears nothing.
    assert client.get(reverse("home")).get("Clear-Site-Data") is None
    assert dewi.is_authenticated


def test_the_same_person_logging_in_again_keeps_their_drafts(client, mentor_a):
    # Mentor A's login ended while drafts waited on the phone; they log in again.
    mentor_a.set_password(PASSWORD)
    mentor_a.save()
    client.force_login(mentor_a)
    client.get(reverse("programs:mentor_home"))
    client.post(reverse("logout"))  # the last user's cookie stays, as in a browser
    response = client.post(reverse("login"), {"username": "mentor_a", "password": PASSWORD})
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response
