"""Django's Redis cache, with one redis-py client per connection pool.

Django builds a new `redis.Redis` for every cache call, and redis-py 8 fills a table of
about 170 reply callbacks in each one's constructor: a tenth of a millisecond, twice
per page. A client is safe to share between threads (it takes a connection from its
pool per command), so each pool gets one, made once.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
