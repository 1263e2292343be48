"""One Redis client per process for each part that talks to Redis on the request path.

Made under a lock: threads that each found no client and made their own (CI on a busy
machine) let the replaced clients be garbage-collected, which closed their pool's
connections under the threads still using them (see test_ratelimit)."""

from __future__ import annotations

import threading

import redis


class SharedClient:
    """A lazily made `redis.Redis` for one address, with one timeout for connecting and
    for each answer, shared by every thread of the process."""

    def __init__(self, *, timeout_seconds: float):
        self.timeout_seconds = timeout_seconds
        self._client: redis.Redis | None = None
        self._lock = threading.Lock()

    def get(self, url: str) -> redis.Redis:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = redis.Redis.from_url(
                        url, socket_connect_timeout=self.timeout_seconds, socket_timeout=self.timeout_seconds
                    )
                client = self._client
        return client

    def forget(self) -> None:
        """The next `get` makes a new client (tests that point the settings elsewhere)."""
        with self._lock:
            self._client = None
