"""The dashboard's figures are kept a few minutes per filter and per audience, never shared
between people who may see different things."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATOR
from dashboard import figures_cache
from dashboard.figures import Scope
from dashboard.figures_cache import cache_key
from factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db


def get(client, query: str = ""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home") + query)
    assert response.status_code == 200
    return response, len(queries)


def test_the_second_visit_uses_the_kept_figures(client, coordinator):
    # The coordinator opens the dashboard twice: the second time nothing is aggregated.
    AgreementFactory(status="active")
    client.force_login(coordinator)
    first, cold = get(client)
    second, warm = get(client)
    assert warm < cold - 8  # the widgets' aggregates (more than a dozen) are not run
    assert second.context["partnerships"]["total"] == first.context["partnerships"]["total"] == 1
    assert second.context["as_of"] == first.context["as_of"]
    assert "figures as of" in second.content.decode() or "angka per" in second.content.decode()


def test_kept_figures_are_per_filter(client, coordinator):
    # An agreement added after the first visit shows up under a filter not seen before.
    AgreementFactory(status="active", formality="formal")
    client.force_login(coordinator)
    assert get(client)[0].context["partnerships"]["total"] == 1
    AgreementFactory(status="active", formality="formal")
    assert get(client)[0].context["partnerships"]["total"] == 1  # kept
    assert get(client, "?formality=formal")[0].context["partnerships"]["total"] == 2


def test_audiences_with_different_visibility_never_share_an_entry(coordinator, admin, mentor_a):
    today = timezone.localdate()
    keys = {cache_key(Scope(user=u, today=today)) for u in (coordinator, admin, mentor_a)}
    assert len(keys) == 3
    # Two coordinators see the same programme: one entry for both.

    other = UserFactory(role=COORDINATOR)
    assert cache_key(Scope(user=other, today=today)) == cache_key(
        Scope(user=coordinator, today=today)
    )


def test_a_user_with_their_own_visibility_is_not_served_a_coordinators_figures(
    coordinator, mentor_a
):
    # Built (and kept) for the coordinator first; a mentor's scope must compute its own,
    # with nothing of the agreements a mentor may not see.
    AgreementFactory(status="active")
    today = timezone.localdate()
    assert figures_cache.cached_build(Scope(user=coordinator, today=today))["partnerships"]["total"]
    assert (
        figures_cache.cached_build(Scope(user=mentor_a, today=today))["partnerships"]["total"] == 0
    )


def test_a_refresh_computes_the_figures_again(client, coordinator, monkeypatch):
    # The coordinator presses "Refresh" after a change; a second press within a minute
    # reuses what the first computed.
    AgreementFactory(status="active")
    client.force_login(coordinator)
    before = get(client)[0].context["as_of"]
    AgreementFactory(status="active")
    later = timezone.now() + dt.timedelta(minutes=2)
    monkeypatch.setattr(figures_cache.timezone, "now", lambda: later)
    response = client.post(reverse("dashboard:refresh") + "?months=6")
    assert response.status_code == 302
    assert response["Location"] == reverse("home") + "?months=6"
    fresh = get(client, "?months=6")[0].context
    assert fresh["partnerships"]["total"] == 2
    assert fresh["as_of"] == later > before
    AgreementFactory(status="active")
    client.post(reverse("dashboard:refresh") + "?months=6")
    assert get(client, "?months=6")[0].context["partnerships"]["total"] == 2  # too soon


def test_only_those_who_see_the_dashboard_may_refresh_it(client, mentor_a):
    # A mentor posts to the refresh URL: for them it does not exist.
    client.force_login(mentor_a)
    assert client.post(reverse("dashboard:refresh")).status_code == 404
    assert client.get(reverse("dashboard:refresh")).status_code == 405
