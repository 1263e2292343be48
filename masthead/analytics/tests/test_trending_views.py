"""/trending/ and the boxes' fragment: short-lived public responses that the page cache
keeps for a minute, and the placeholders the cached pages carry instead of the lists."""

from __future__ import annotations

import html5lib
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.analytics.models import TrendingChoice
from masthead.analytics.tests.factories import views_at
from masthead.news.tests.factories import make_article
from masthead.pagecache.stores import FileStore
from masthead.pagecache.tests.helpers import wsgi_request
from masthead.pagecache.wsgi import KEYS_HEADER, PageCacheApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_articles(site_tree):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    harbour = make_article(news, title="Harbour dredging starts")
    ferry = make_article(news, title="Ferry timetable changes")
    budget = make_article(analysis, title="What the budget means")
    now = timezone.now()
    views_at(harbour, hours_ago=1, views=30, now=now)
    views_at(ferry, hours_ago=2, views=10, now=now)
    views_at(budget, hours_ago=0, views=50, now=now)
    return harbour, ferry, budget


def list_titles(html: bytes | str, heading_text: str) -> list[str]:
    """The titles listed under the heading that contains `heading_text`."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for section in document.iter("section"):
        heading = next(iter(section.iter("h2")), None)
        if heading is not None and heading_text in "".join(heading.itertext()):
            return ["".join(link.itertext()) for item in section.iter("li") for link in item.iter("a")]
    raise AssertionError(f"no list under {heading_text!r}")


def assert_short_lived_public(response) -> None:
    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_boxes_list_trending_and_most_read_for_the_site(client, read_articles):
    response = client.get("/trending/boxes/")

    assert_short_lived_public(response)
    assert list_titles(response.content, "Trending") == [
        "What the budget means",
        "Harbour dredging starts",
        "Ferry timetable changes",
    ]
    assert list_titles(response.content, "Most read") == [
        "What the budget means",
        "Harbour dredging starts",
        "Ferry timetable changes",
    ]


def test_the_boxes_of_a_section_list_only_its_articles(client, read_articles):
    response = client.get("/trending/boxes/", {"section": "news"})

    assert_short_lived_public(response)
    assert list_titles(response.content, "Trending in") == ["Harbour dredging starts", "Ferry timetable changes"]


@pytest.mark.parametrize("section", ["no-such-section", "x" * 5000, "../news", "news%00", "news\x00", "<script>"])
def test_an_unknown_section_is_not_found_never_an_error(client, read_articles, section):
    assert client.get("/trending/", {"section": section}).status_code == 404
    assert client.get("/trending/boxes/", {"section": section}).status_code == 404


def test_the_trending_page_lists_trending_and_the_three_most_read_lists(client, read_articles):
    response = client.get("/trending/")

    assert_short_lived_public(response)
    text = response.content.decode()
    for heading in ("Trending now", "Most read", "Last 24 hours", "Last 7 days", "Last 30 days"):
        assert heading in text
    assert list_titles(response.content, "Trending now")[0] == "What the budget means"


def test_the_boxes_are_kept_a_minute_by_the_page_cache_and_no_purge_removes_them(tmp_path, read_articles):
    store = FileStore(tmp_path / "pages")
    site = PageCacheApplication(WSGIHandler(), store=store)

    first = wsgi_request(site, "/trending/boxes/", query="section=news")
    assert first.status_code == 200 and first.header("cache-control") == "public, max-age=60"
    assert first.header(KEYS_HEADER.lower()) is None  # internal: never sent
    store.purge_keys([f"page-{article.pk}" for article in read_articles])  # articles edited
    again = wsgi_request(site, "/trending/boxes/", query="section=news")
    assert again.header("x-cache") == "hit" and again.body == first.body


def test_a_cached_box_answers_without_a_query_and_a_fresh_one_with_a_few(client, read_articles):
    client.get("/trending/boxes/")  # the lists are built and kept
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/trending/boxes/").status_code == 200
    assert len(warm) == 0, [query["sql"] for query in warm]


def test_an_editors_pin_shows_in_the_box(client, read_articles, site_tree):
    unread = make_article(site_tree.sections["news"], title="Unread but important")
    TrendingChoice.objects.create(page=unread, kind=TrendingChoice.Kind.PIN)

    assert list_titles(client.get("/trending/boxes/").content, "Trending")[0] == "Unread but important"


@pytest.mark.parametrize("where", ["home", "section", "article"])
def test_cached_pages_carry_a_placeholder_with_a_plain_link_not_the_lists(client, read_articles, site_tree, where):
    harbour = read_articles[0]
    path = {"home": "/", "section": "/news/", "article": harbour.url}[where]

    response = client.get(path)

    assert response.status_code == 200
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    holders = [node for node in document.iter("div") if node.get("data-audience-boxes")]
    assert holders, "no placeholder"
    for holder in holders:
        links = [link.get("href") for link in holder.iter("a")]
        assert links and all(link.startswith("/trending/") for link in links)
        assert not list(holder.iter("li"))  # the lists come later, from the fragment
    if where == "article":
        assert "/trending/boxes/?section=news" in [holder.get("data-audience-boxes") for holder in holders]
