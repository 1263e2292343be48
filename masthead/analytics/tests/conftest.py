"""Analytics tests: each starts with empty per-worker memories (known ids, the day's
salt, the Redis client) and, when it uses Redis, with no analytics keys there."""

from __future__ import annotations

import io
import sys

import pytest
import redis
from django.conf import settings as django_settings

from masthead.analytics import counting, flush, known, spool, visitors
from masthead.analytics.beacon import BeaconApplication
from masthead.conftest import service_missing

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _fresh_memories(settings, tmp_path):
    """No shipper thread either: tests ship spools when they choose (`spool.ship_now`)."""
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = ""
    settings.MASTHEAD_ANALYTICS_SPOOL_DIR = tmp_path / "spool"
    for module in (counting, flush, known, visitors, spool):
        module.reset_for_tests()
    yield
    for module in (counting, flush, known, visitors, spool):
        module.reset_for_tests()


def _delete_analytics_keys(client) -> None:
    for key in client.scan_iter(match="masthead:analytics:*"):
        client.delete(key)


@pytest.fixture
def redis_counts(settings):
    """Counting in the test Redis database; analytics keys emptied before and after."""
    url = django_settings.CONFIG.test_redis_url
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing(f"Redis not reachable at {url}: {error}")
    _delete_analytics_keys(client)
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = url
    counting.reset_for_tests()
    yield client
    _delete_analytics_keys(client)
    client.close()


class Beacons:
    """POSTs to the beacon callable as a WSGI server sends them; pages behind it are a
    plain 404 (the beacon must answer its own path alone)."""

    def __init__(self):
        def not_here(environ, start_response):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not the beacon"]

        self.application = BeaconApplication(not_here)

    def send(
        self,
        body: bytes | str = b"",
        *,
        method="POST",
        path="/analytics/beacon/",
        headers=None,
        address="203.0.113.7",
        user_agent=BROWSER_UA,
    ):
        body = body.encode() if isinstance(body, str) else body
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "news.example",
            "REMOTE_ADDR": address,
            "HTTP_USER_AGENT": user_agent,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            **(headers or {}),
        }
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)

        text = b"".join(self.application(environ, start_response)).decode()
        return captured["status"], captured["headers"], text

    def view(self, page_id: int, *, body_extra: str = "", **kwargs):
        status, _, text = self.send(f"page={page_id}{body_extra}", **kwargs)
        assert status == 204, (status, text)


@pytest.fixture
def beacons():
    return Beacons()
