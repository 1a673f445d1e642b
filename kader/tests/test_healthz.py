"""GET /healthz tells a load balancer whether the database, cache and broker answer."""

import pytest
from django.db import OperationalError, connection

from kader.celery import app as celery_app


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
    ["django.core.cache.backends.redis.RedisCache", "kader.cache.ResilientRedisCache"],
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
