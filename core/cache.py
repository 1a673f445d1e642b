"""Django's Redis cache, degraded instead of broken while Redis is unreachable.

Everything Kader keeps in the cache can be computed again: the dashboard's figures, lists'
rendered rows (core/fragments.py), row-count estimates. So a Redis outage must cost time,
not pages: Django's own backend raises on every read, which made every list and the
dashboard answer 500 until Redis was back. Here a failed read is a miss, a failed write is
dropped, and a failed `add` (the dashboard's single-flight lock) reports the lock as taken
by this request, so the figures are built here rather than waited for. Each failure is
logged; nothing else changes while Redis is up.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _forgiving(name: str, fallback):
    """RedisCache's method `name`, answering `fallback(*its arguments)` when Redis is away."""
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache %s failed, going on without it: %s", name, error)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


class ResilientRedisCache(RedisCache):
    pass


# What each operation answers while Redis is unreachable: reads miss, writes are dropped,
# and `add` (the dashboard's single-flight lock) lets this request go ahead and build.
_WHILE_AWAY = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: True,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, *args, **kwargs: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}
for _name, _fallback in _WHILE_AWAY.items():
    setattr(ResilientRedisCache, _name, _forgiving(_name, _fallback))
