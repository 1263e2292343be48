"""The live server the reader journeys run against answers requests that arrive together,
as a browser sends them (the page, its beacon, Trending, the newsletter form)."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]

CONCURRENT_READERS = 8
REQUESTS_EACH = 25


def test_requests_that_arrive_together_are_all_answered(demo_newsroom):
    # Trending's boxes read site settings and articles: on SQLite's in-memory test
    # database every request thread shares one connection, and two queries at once on
    # it failed with "bad parameter or other API misuse" (a 500 in a CI run).
    paths = ["/trending/boxes/", "/newsletter/form/", "/"]

    def read(index: int) -> list[int]:
        statuses = []
        for step in range(REQUESTS_EACH):
            path = paths[(index + step) % len(paths)]
            with urllib.request.urlopen(demo_newsroom + path, timeout=30) as response:
                statuses.append(response.status)
        return statuses

    with ThreadPoolExecutor(CONCURRENT_READERS) as pool:
        statuses = [status for batch in pool.map(read, range(CONCURRENT_READERS)) for status in batch]

    assert statuses == [200] * (CONCURRENT_READERS * REQUESTS_EACH)
