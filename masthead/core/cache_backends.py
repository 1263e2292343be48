"""Django's Redis cache, with one redis-py client per connection pool, that reads an
unreachable Redis as an empty cache.

A cache is an optimisation: when Redis is down (restarting, a network blip) every read
misses and every write is dropped, logged once a minute, and pages are built from the
database, instead of every request that touches the cache ending in a 500 (Wagtail reads
its site root paths from the cache on every page).

Django builds a new `redis.Redis` for every cache call, and redis-py 8 fills a table of
about 170 reply callbacks in each one's constructor: a tenth of a millisecond, twice
per page. A client is safe to share between threads (it takes a connection from its
pool per command), so each pool gets one, made once.
"""

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
OUTAGE = (redis.ConnectionError, redis.TimeoutError)
_last_logged = 0.0


def _outage(default):
    global _last_logged
    if time.monotonic() - _last_logged > 60:
        _last_logged = time.monotonic()
        logger.exception("Redis cache unreachable: reading it as empty until it is back")
    return default


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client

    def get(self, key, default):
        try:
            return super().get(key, default)
        except OUTAGE:
            return _outage(default)

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except OUTAGE:
            return _outage({})

    def has_key(self, key):
        try:
            return super().has_key(key)
        except OUTAGE:
            return _outage(False)

    def set(self, key, value, timeout):
        try:
            return super().set(key, value, timeout)
        except OUTAGE:
            return _outage(None)

    def set_many(self, data, timeout):
        try:
            return super().set_many(data, timeout)
        except OUTAGE:
            return _outage(None)

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except OUTAGE:
            return _outage(False)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except OUTAGE:
            return _outage(False)

    def delete(self, key):
        try:
            return super().delete(key)
        except OUTAGE:
            return _outage(False)

    def delete_many(self, keys):
        try:
            return super().delete_many(keys)
        except OUTAGE:
            return _outage(None)


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
