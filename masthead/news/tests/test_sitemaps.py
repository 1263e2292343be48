"""robots.txt and the sitemaps, read as XML the way crawlers read them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.core.models import SiteSettings
from masthead.news import sitemaps
from masthead.news.tests.factories import make_article, make_author, make_simple_page, make_source
from masthead.pagecache.stores import FileStore
from masthead.pagecache.tests.helpers import assert_cacheable, cached_site, wsgi_request

pytestmark = pytest.mark.django_db

ORIGIN = "https://ledger.example"
NS = {"s": sitemaps.SITEMAP_NS, "news": sitemaps.NEWS_NS}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = ORIGIN


def read_xml(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(tree) -> list[str]:
    return [node.text for node in tree.iterfind(".//s:loc", NS)]


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_actions(client, site_tree):
    response = client.get("/robots.txt")

    assert_cacheable(response)
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Disallow: /fragments/" in lines
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines and f"Sitemap: {ORIGIN}/sitemap-news.xml" in lines
    assert "Disallow: /" not in lines  # the site itself stays open


def test_the_index_has_a_file_per_month_with_its_latest_publish(client, site_tree):
    news = site_tree.sections["news"]
    november = make_article(news, published_at=at(2026, 11, 30, 23, 59))
    december = [
        make_article(news, published_at=at(2026, 12, 1, 0, 1)),
        make_article(news, published_at=at(2026, 12, 2)),
    ]

    index = read_xml(client, "/sitemap.xml")

    entries = {
        node.find("s:loc", NS).text: getattr(node.find("s:lastmod", NS), "text", None)
        for node in index.iterfind("s:sitemap", NS)
    }
    assert list(entries) == [
        f"{ORIGIN}/sitemaps/pages.xml",
        f"{ORIGIN}/sitemaps/articles-2026-12.xml",
        f"{ORIGIN}/sitemaps/articles-2026-11.xml",
    ]
    latest_december = max(article.last_published_at for article in december)
    assert entries[f"{ORIGIN}/sitemaps/articles-2026-12.xml"] == sitemaps._w3c(latest_december)

    november_file = read_xml(client, "/sitemaps/articles-2026-11.xml")
    assert locations(november_file) == [ORIGIN + november.url]
    assert november_file.find(".//s:lastmod", NS).text == sitemaps._w3c(november.last_published_at)
    assert locations(read_xml(client, "/sitemaps/articles-2026-12.xml")) == [ORIGIN + a.url for a in december]


def test_a_month_over_the_limit_is_split_into_parts(client, site_tree, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    articles = [make_article(site_tree.sections["news"], published_at=at(2026, 10, day)) for day in range(1, 6)]

    index = locations(read_xml(client, "/sitemap.xml"))
    parts = [f"/sitemaps/articles-2026-10{suffix}.xml" for suffix in ("", "-2", "-3")]
    assert [ORIGIN + part for part in parts] == index[1:]

    listed = [locations(read_xml(client, part)) for part in parts]
    assert [len(urls) for urls in listed] == [2, 2, 1]
    assert [url for urls in listed for url in urls] == [ORIGIN + article.url for article in articles]
    assert client.get("/sitemaps/articles-2026-10-4.xml").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/articles-2026-13.xml",
        "/sitemaps/articles-0-01.xml",
        "/sitemaps/articles-2026-00.xml",
        "/sitemaps/articles-9999-12.xml",
        "/sitemaps/articles-2026-01-99999999999999999999.xml",
        "/sitemaps/articles-99999999999999999999-01.xml",
    ],
)
def test_impossible_months_are_404(client, site_tree, path):
    assert client.get(path).status_code == 404


def test_the_news_sitemap_lists_the_last_48_hours_with_name_language_and_title(client, site_tree):
    SiteSettings.objects.update_or_create(site=site_tree.site, defaults={"site_name": "Ledger & Co"})
    news = site_tree.sections["news"]
    fresh = make_article(news, title="Bridge <closed> & “reopened”\x0b", hours_ago=2)
    make_article(news, title="Too old for news", hours_ago=49)

    response = client.get("/sitemap-news.xml")
    tree = ElementTree.fromstring(response.content)

    (entry,) = tree.iterfind("s:url", NS)
    assert entry.find("s:loc", NS).text == ORIGIN + fresh.url
    assert entry.find(".//news:publication/news:name", NS).text == "Ledger & Co"
    assert entry.find(".//news:publication/news:language", NS).text == "en"
    assert entry.find(".//news:title", NS).text == "Bridge <closed> & “reopened”"
    published = datetime.fromisoformat(entry.find(".//news:publication_date", NS).text)
    assert published == fresh.published_at.replace(microsecond=0)
    assert_cacheable(response)


def test_the_news_sitemap_is_kept_only_until_its_oldest_story_ages_out(site_tree, page_cache_dir):
    make_article(site_tree.sections["news"], hours_ago=47.9)  # leaves the window in about 6 minutes
    site = cached_site(page_cache_dir)

    wsgi_request(site, "/sitemap-news.xml")
    stored = wsgi_request(site, "/sitemap-news.xml")

    assert stored.header("X-Cache") == "hit"
    entry = FileStore(page_cache_dir).get("/sitemap-news.xml")
    assert entry is not None and entry.expires is not None
    assert 60 <= entry.expires - time.time() < 7 * 60


def test_the_pages_sitemap_names_sections_and_authors_and_tags_with_articles(
    client, site_tree, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    writer, idle = make_author("Ada Reporter"), make_author("Nobody Yet")
    make_article(site_tree.sections["news"], authors=[writer], tags=["Ports"])
    with django_capture_on_commit_callbacks(execute=True):  # committed, as in the admin: the purge follows
        PageViewRestriction.objects.create(
            page=site_tree.sections["analysis"], restriction_type="password", password="x"
        )
    make_article(site_tree.sections["analysis"], tags=["Secret tag"])

    urls = locations(read_xml(client, "/sitemaps/pages.xml"))

    assert urls[:3] == [f"{ORIGIN}/", f"{ORIGIN}/latest/", f"{ORIGIN}/staff-picks/"]
    assert f"{ORIGIN}/news/" in urls and f"{ORIGIN}/analysis/" not in urls
    assert ORIGIN + writer.get_absolute_url() in urls and ORIGIN + idle.get_absolute_url() not in urls
    assert f"{ORIGIN}/tag/ports/" in urls and f"{ORIGIN}/tag/secret-tag/" not in urls
    for url in urls:
        assert client.get(url.removeprefix(ORIGIN)).status_code == 200, url


def test_the_pages_sitemap_lists_tags_with_no_letter_or_digit(client, site_tree):
    from taggit.models import Tag

    make_article(site_tree.sections["news"], tags=["#", "Ports", "Lost"])
    Tag.objects.filter(name="Lost").update(slug="")  # a tag left without an address: not listed

    urls = locations(read_xml(client, "/sitemaps/pages.xml"))

    tag_urls = [url for url in urls if url.startswith(f"{ORIGIN}/tag/")]
    assert len(tag_urls) == 2 and f"{ORIGIN}/tag/ports/" in tag_urls
    for url in tag_urls:
        assert client.get(url.removeprefix(ORIGIN)).status_code == 200, url


def test_a_publish_purges_the_index_its_month_and_the_news_sitemap(
    site_tree, page_cache_dir, django_capture_on_commit_callbacks
):
    site = cached_site(page_cache_dir)
    now = timezone.now()
    month_path = sitemaps.month_path(now.year, now.month)
    make_article(site_tree.sections["news"], title="First", hours_ago=0.5)
    paths = ["/sitemap.xml", month_path, "/sitemap-news.xml"]
    for path in paths:
        wsgi_request(site, path)
        assert wsgi_request(site, path).header("X-Cache") == "hit", path
    elsewhere = make_article(site_tree.sections["news"], published_at=now - timedelta(days=400))
    other_month = sitemaps.month_path(elsewhere.published_at.year, elsewhere.published_at.month)
    wsgi_request(site, other_month)

    with django_capture_on_commit_callbacks(execute=True):
        second = make_article(site_tree.sections["news"], title="Second", hours_ago=0.1)

    index_before = wsgi_request(site, "/sitemap.xml")  # (already purged and stored again)
    for path in paths[1:]:
        assert second.url.encode() in wsgi_request(site, path).body, path
    assert sitemaps._w3c(second.last_published_at).encode() in index_before.body
    assert wsgi_request(site, other_month).header("X-Cache") == "hit"


def test_a_redated_article_leaves_its_old_month(site_tree, page_cache_dir, django_capture_on_commit_callbacks):
    site = cached_site(page_cache_dir)
    make_article(site_tree.sections["news"], title="Stays", published_at=at(2025, 3, 2))
    moved = make_article(site_tree.sections["news"], title="Moves", published_at=at(2025, 3, 9))
    march = sitemaps.month_path(2025, 3)
    assert moved.url.encode() in wsgi_request(site, march).body
    assert wsgi_request(site, march).header("X-Cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):  # an editor corrects the date and publishes
        moved.published_at = at(2025, 5, 1)
        moved.save_revision().publish()

    assert moved.url.encode() not in wsgi_request(site, march).body
    assert moved.url.encode() in wsgi_request(site, sitemaps.month_path(2025, 5)).body


def test_copies_whose_canonical_is_the_original_stay_out_of_the_sitemaps(
    client, site_tree, page_cache_dir, django_capture_on_commit_callbacks
):
    wire = make_source("Harbor Review", url="https://harborreview.example", canonical_to_original=False)
    copy = make_article(site_tree.sections["news"], source=wire, original_url="https://harborreview.example/a/1")
    credited = make_article(site_tree.sections["news"], source=wire)  # no original address: ours is canonical
    month = sitemaps.month_path(copy.published_at.year, copy.published_at.month)
    site = cached_site(page_cache_dir)
    assert copy.url.encode() in wsgi_request(site, month).body

    with django_capture_on_commit_callbacks(execute=True):
        wire.canonical_to_original = True
        wire.save()

    for path in (month, "/sitemap-news.xml"):
        body = wsgi_request(site, path).body
        assert copy.url.encode() not in body and credited.url.encode() in body, path


def test_sitemap_queries_do_not_grow_with_the_articles(client, site_tree):
    news = site_tree.sections["news"]
    make_article(news, published_at=at(2025, 1, 3), authors=[make_author()], tags=["One"])

    def queries(path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    paths = ["/sitemap.xml", "/sitemaps/articles-2025-01.xml", "/sitemaps/pages.xml", "/sitemap-news.xml"]
    few = {path: queries(path) for path in paths}
    for day in range(4, 28):
        make_article(news, published_at=at(2025, 1, day), authors=[make_author()], tags=[f"Tag {day}"])
        make_article(news, hours_ago=day, authors=[make_author()])
    many = {path: queries(path) for path in paths}

    assert many == few
    assert max(many.values()) <= 6, many


def test_simple_pages_are_in_the_pages_sitemap_unless_hidden_from_search_engines(client, site_tree):
    about = make_simple_page(site_tree.home, title="About us")
    make_simple_page(about, title="Our team")
    hidden = make_simple_page(site_tree.home, title="Internal notes")
    hidden.noindex = True
    hidden.save_revision().publish()
    make_simple_page(site_tree.home, title="Draft policy", publish=False)

    body = client.get("/sitemaps/pages.xml").content.decode()

    assert "/about-us/</loc>" in body and "/about-us/our-team/</loc>" in body
    assert "internal-notes" not in body and "draft-policy" not in body
    page = client.get("/internal-notes/").content.decode()
    assert '<meta name="robots" content="noindex">' in page
