"""The home page per role, and the error pages in the app's look."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from factories import UserFactory


def test_it_greets_a_coordinator_with_the_programme(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["role"] == "coordinator"


def test_it_tells_a_user_without_a_role_to_ask_for_one(client, outsider):
    # Someone with an account but no role logs in.
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "belum memiliki peran" in response.content.decode()


def test_it_shows_the_administration_link_to_admins_only(client, admin, coordinator):
    client.force_login(admin)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()


def test_it_answers_unknown_pages_with_its_own_404(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_it_renders_its_own_500_page_without_context(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()


@pytest.mark.parametrize("extra_users", [3, 60])
def test_it_renders_the_home_page_in_a_fixed_number_of_queries(
    client, outsider, extra_users, django_assert_num_queries
):
    # A coordinator's home is the dashboard: its count is in test_dashboard_queries.py.
    UserFactory.create_batch(extra_users)
    client.force_login(outsider)
    # session, user, the user's groups; with no role, the nav's permission checks fall
    # through to Django's permission tables (user's and groups' permissions)
    with django_assert_num_queries(5):
        assert client.get(reverse("home")).status_code == 200
