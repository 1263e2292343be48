"""Test helpers other apps use for their public pages."""

from __future__ import annotations

import contextlib
import io
import sys
import uuid
from dataclasses import dataclass

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from masthead.pagecache.stores import FileStore, RedisStore
from masthead.pagecache.wsgi import KEYS_HEADER, PageCacheApplication


@contextlib.contextmanager
def redis_page_store():
    """A Redis store of the test's own (a prefix no other test uses) on the test Redis,
    emptied afterwards; the test is skipped (a failure in CI) when Redis is not there."""
    import redis
    from django.conf import settings

    from masthead.conftest import service_missing

    url = settings.CONFIG.test_redis_url
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing(f"Redis not reachable at {url}: {error}")
    store = RedisStore(url, prefix=f"masthead-test-{uuid.uuid4().hex}:")
    try:
        yield store
    finally:
        store.purge_all()
        store.client.delete(*store._clock_keys, store._swept_key)


def assert_cacheable(response) -> None:
    """A public page the page cache, CDNs and browsers may keep: no cookie, no Vary: Cookie."""
    assert response.status_code == 200, response.status_code
    assert not response.cookies, f"sets cookies: {list(response.cookies)}"
    assert "cookie" not in response.get("Vary", "").lower(), response.get("Vary")
    cache_control = response.get("Cache-Control", "")
    assert "public" in cache_control and "s-maxage=" in cache_control, cache_control
    assert "private" not in cache_control and "no-store" not in cache_control, cache_control
    assert response.has_header(KEYS_HEADER), "the page names no cache keys, so it could never be purged"


@dataclass
class WSGIResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def cached_site(store_root) -> PageCacheApplication:
    return PageCacheApplication(WSGIHandler(), store=FileStore(store_root))


def wsgi_request(application, path: str, *, query: str = "", method: str = "GET", headers=None) -> WSGIResponse:
    """One request through the whole WSGI stack, page cache included, as a server sends it
    (PEP 3333: the path's UTF-8 bytes as latin-1 text)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **(headers or {}),
    }
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = {name.lower(): value for name, value in response_headers}

    # As Django's test client does: the test's transaction lives on its connection, which
    # the start and end of a request would otherwise close (on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return WSGIResponse(captured["status"], captured["headers"], body)
