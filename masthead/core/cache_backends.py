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
from functools import wraps

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


def _empty_when_down(method, default):
    """The method, answering `default` (a miss, a dropped write) while Redis is down."""

    @wraps(method)
    def answer(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except OUTAGE:
            return _outage(default)

    return answer


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

    get_many = _empty_when_down(RedisCacheClient.get_many, {})
    has_key = _empty_when_down(RedisCacheClient.has_key, False)
    set = _empty_when_down(RedisCacheClient.set, None)
    set_many = _empty_when_down(RedisCacheClient.set_many, None)
    add = _empty_when_down(RedisCacheClient.add, False)
    touch = _empty_when_down(RedisCacheClient.touch, False)
    delete = _empty_when_down(RedisCacheClient.delete, False)
    delete_many = _empty_when_down(RedisCacheClient.delete_many, None)


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
