"""The dashboard's figures are kept per scope: a district's coordinator never reads the
nation's figures, or a sibling district's, from the cache; people with the same offices
share one entry; beat warms one entry per scope."""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import COORDINATOR
from dashboard import figures_cache
from dashboard.figures import Scope
from factories import CadreFactory, UserFactory
from jurisdictions.models import Unit

pytestmark = pytest.mark.django_db


def cadres_shown(client, user) -> str:
    client.force_login(user)
    html = client.get("/").content.decode()
    found = re.search(r'data-testid="kpi-cadres-value">([^<]*)<', html)
    assert found, "the cadres figure is not on the dashboard"
    return found.group(1).strip()


@pytest.fixture
def people(settings):
    settings.KADER_DASHBOARD_COLD_IN_REQUEST = True
    cache.clear()
    for code, count in (("32.73", 2), ("32.01", 3)):
        for _ in range(count):
            CadreFactory(unit=Unit.objects.get(code=code))
    return {
        "national": UserFactory(role=COORDINATOR),
        "bandung": UserFactory(role=COORDINATOR, unit="32.73"),
        "bandung2": UserFactory(role=COORDINATOR, unit="32.73"),
        "bogor": UserFactory(role=COORDINATOR, unit="32.01"),
    }


def test_each_office_reads_its_own_figures_whoever_computed_first(client, people):
    # The nation opens the dashboard first: its figures are kept.
    assert cadres_shown(client, people["national"]) == "5"
    # Bandung's and Bogor's coordinators get theirs, not the kept national ones.
    assert cadres_shown(client, people["bandung"]) == "2"
    assert cadres_shown(client, people["bogor"]) == "3"


def test_people_with_the_same_offices_share_one_entry(people):
    today = timezone.localdate()
    keys = {
        name: figures_cache.cache_key(Scope(user=user, today=today))
        for name, user in people.items()
    }
    assert keys["bandung"] == keys["bandung2"]
    assert len({keys["national"], keys["bandung"], keys["bogor"]}) == 3


def test_beat_warms_one_entry_per_scope(people):
    scopes = figures_cache.warm_scopes(timezone.localdate())
    audiences = [figures_cache.audience(scope.user) for scope in scopes]
    # National, Bandung (two people, one entry), Bogor.
    assert len(audiences) == len(set(audiences)) == 3
