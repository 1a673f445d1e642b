"""Django's Redis cache, degraded instead of broken while Redis is unreachable.

Everything Kader keeps in the cache can be computed again: the dashboard's figures, lists'
rendered rows (kader/fragments.py), row-count estimates. So a Redis outage must cost time,
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


def _failed(operation: str, error: Exception) -> None:
    logger.warning("cache %s failed, going on without it: %s", operation, error)


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _failed("has_key", error)
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _failed("add", error)
            return True  # nobody else can be known to hold it: this request goes ahead

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _failed("set", error)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _failed("set_many", error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _failed("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _failed("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNREACHABLE as error:
            _failed("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            _failed("clear", error)
            return False
