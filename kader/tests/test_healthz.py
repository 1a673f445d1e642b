"""GET /healthz tells a load balancer whether the database, cache and broker answer."""

import pytest
from django.db import OperationalError, connection

from kader.celery import app as celery_app

TOKEN = "healthz-test-token-0123456789"


@pytest.fixture(autouse=True)
def healthz_token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture
def client(client):
    """A monitoring system: it sends the token, so it is told which component is down."""
    client.defaults["HTTP_X_HEALTHZ_TOKEN"] = TOKEN
    return client


@pytest.mark.django_db
def test_it_answers_200_when_everything_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_it_names_the_broker_when_it_is_down(client, monkeypatch):
    # Nothing listens on port 1: the broker is unreachable for real.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "backend",
    # Kader's own (which pages ride through an outage with) must still show it here.
    ["django.core.cache.backends.redis.RedisCache", "core.cache.ResilientRedisCache"],
)
def test_it_names_the_cache_when_it_is_down(client, settings, backend):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


@pytest.mark.django_db
def test_it_names_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["database"]
    assert body["checks"]["database"]["detail"] == "OperationalError"


def test_it_needs_no_login_and_is_not_cached(client, db):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_callers_learn_the_status_and_nothing_else(monkeypatch):
    from django.test import Client

    anonymous = Client()
    body = anonymous.get("/healthz").json()
    assert body == {"status": "ok"}
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
    # A wrong token is no token; neither is an empty one when none is configured.
    assert Client(HTTP_X_HEALTHZ_TOKEN="wrong").get("/healthz").json() == {"status": "down"}


@pytest.mark.django_db
def test_without_a_configured_token_an_empty_header_shows_nothing(settings):
    from django.test import Client

    settings.HEALTHZ_TOKEN = ""
    assert Client(HTTP_X_HEALTHZ_TOKEN="").get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_staff_see_the_detail_and_other_users_do_not():
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    staff = Client()
    staff.force_login(users.create_user("ops", is_staff=True))
    assert set(staff.get("/healthz").json()["checks"]) == {"database", "cache", "broker"}
    plain = Client()
    plain.force_login(users.create_user("plain"))
    assert plain.get("/healthz").json() == {"status": "ok"}
