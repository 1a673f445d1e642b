"""A skipped test says what would turn it on (the environment variable), not that a server
"is not available" when it may be running and only not configured."""

from types import SimpleNamespace

import pytest

import conftest


@pytest.fixture
def skipping(monkeypatch):
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)


def skip_message(call) -> str:
    with pytest.raises(pytest.skip.Exception) as skipped:
        call()
    return str(skipped.value)


def test_it_names_database_url_for_postgresql(skipping):
    sqlite = SimpleNamespace(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}})
    message = skip_message(lambda: conftest.need_postgres(sqlite))
    assert "DATABASE_URL=postgres://" in message
    assert "KADER_REQUIRE_SERVICES=1" in message
    assert "not available" not in message


def test_it_names_redis_url_for_redis(skipping, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    message = skip_message(conftest.need_redis)
    assert "REDIS_URL=redis://" in message
    assert "not available" not in message


def test_it_names_the_chromium_path_and_its_variable(skipping, monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nowhere/chromium")
    message = skip_message(conftest.chromium_path.__wrapped__)
    assert "/nowhere/chromium" in message and "KADER_CHROMIUM" in message


def test_it_fails_naming_the_variable_when_services_are_required(monkeypatch):
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", True)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(pytest.fail.Exception) as failed:
        conftest.need_redis()
    assert "REDIS_URL" in str(failed.value) and "KADER_REQUIRE_SERVICES=1" in str(failed.value)
