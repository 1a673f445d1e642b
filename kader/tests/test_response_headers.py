"""Issue 15: personal data is never kept by a cache, and browser features are refused.

Every response to a logged-in user (pages, exports, reports) says `Cache-Control: private,
no-store` unless the view chose otherwise; every response carries a Permissions-Policy.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAL = [
    reverse("programs:cadre_list"),
    reverse("programs:mentor_list"),
    reverse("partners:partner_list"),
    reverse("dashboard:export", args=["cadres", "csv"]),
    reverse("dashboard:export", args=["partners", "xlsx"]),
    reverse("programs:session_list"),
    "/programs/cadres/999999999/",  # a 404 too: it names what was asked for
]


@pytest.mark.parametrize("url", PERSONAL)
def test_pages_and_exports_of_a_logged_in_user_are_not_stored(client, coordinator, url):
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code in (200, 404)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", [reverse("login"), "/healthz", "/no-such-page/"])
def test_every_response_refuses_camera_microphone_and_location(client, url):
    response = client.get(url)
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_a_logged_in_users_page_also_has_the_policy(client, mentor_a):
    client.force_login(mentor_a)
    response = client.get(reverse("programs:mentor_home"))
    assert "camera=()" in response["Permissions-Policy"]
