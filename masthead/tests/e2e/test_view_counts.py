"""A reader's views are counted in a real browser: the article opened, the next one
continuous reading appends, and not again on a reload within 30 minutes. A headless
browser that says so is not counted. The server is the live server with the beacon and
the page cache in front of Django, as `masthead serve` runs it (masthead/wsgi.py)."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError

from masthead.analytics import counting, known, visitors
from masthead.analytics.beacon import BEACON_PATH, BeaconApplication
from masthead.analytics.models import PageViewTotal
from masthead.news.tests.factories import build_site, make_article, make_author
from masthead.pagecache.purge import page_store
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


class BeaconsSeen:
    """The beacon callable, counting the beacons it answered, so a test waits for them
    instead of for a length of time."""

    def __init__(self, application):
        self.beacon = BeaconApplication(application)
        self.answered = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != BEACON_PATH:
            return self.beacon(environ, start_response)
        # Only a page's view counts here: the ads on the page send their own beacons,
        # which would otherwise let a test read the totals before the view was stored.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        result = self.beacon(environ, start_response)
        if body.startswith(b"page="):
            with self.lock:
                self.answered += 1
        return result

    def wait_for(self, count: int, seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while self.answered < count:
            assert time.monotonic() < deadline, f"{self.answered} beacons answered, expected {count}"
            time.sleep(0.05)


@pytest.fixture
def served(live_server, settings):
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = ""
    for module in (counting, known, visitors):
        module.reset_for_tests()
    page_store.cache_clear()
    server = live_server.thread.httpd
    django_application = server.get_app()
    seen = BeaconsSeen(PageCacheApplication(WSGIHandler(), store=page_store()))
    server.set_app(seen)
    yield live_server.url, seen
    server.set_app(django_application)
    page_store.cache_clear()


@pytest.fixture
def newsroom():
    tree = build_site()
    writer = make_author("Ada Reporter")
    return [make_article(tree.sections["news"], authors=[writer], hours_ago=hours) for hours in range(1, 5)]


def totals(*articles) -> list[int]:
    # The live server's threads share the test's in-memory SQLite database, whose table
    # locks make a reader fail at once (no busy wait) while a request writes: read again.
    deadline = time.monotonic() + 5
    while True:
        try:
            found = dict(PageViewTotal.objects.values_list("page_id", "views"))
            break
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return [found.get(article.pk, 0) for article in articles]


def test_an_article_and_the_next_appended_one_count_once_each_and_not_again_on_reload(browser, served, newsroom):
    url, seen = served
    newest, second = newsroom[0], newsroom[1]
    PageViewTotal.objects.create(page_id=newest.pk, views=1098)
    context = browser.new_context(user_agent=READER_UA, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(url + newest.url)
    seen.wait_for(1)
    assert totals(newest, second) == [1099, 0]
    label = page.locator(f"[data-view-count='{newest.pk}']")
    label.wait_for(state="visible")
    assert label.inner_text() in ("1,098 Views", "1,099 Views")  # the count may be read before the beacon lands

    page.locator(".continue__link").scroll_into_view_if_needed()
    appended = page.locator("main article").nth(1)
    appended.wait_for()
    appended.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    seen.wait_for(2)
    assert totals(newest, second) == [1099, 1]

    page.goto(url + newest.url)  # within 30 minutes: the same reader
    seen.wait_for(3)
    assert totals(newest, second) == [1099, 1]
    assert errors == []
    context.close()


def test_a_headless_browser_that_says_so_is_not_counted(browser, served, newsroom):
    url, seen = served
    page = browser.new_page()
    assert "HeadlessChrome" in page.evaluate("navigator.userAgent")
    page.goto(url + newsroom[0].url)
    seen.wait_for(1)
    assert totals(newsroom[0]) == [0]
