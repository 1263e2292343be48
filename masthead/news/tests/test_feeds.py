"""RSS and Atom feeds, read by feedparser (a real feed reader's parser, written by others):
they must parse without complaint ("bozo") and keep what the newsroom wrote."""

from __future__ import annotations

import calendar
import html

import feedparser
import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.core.models import SiteSettings
from masthead.news.tests.factories import make_article, make_author, make_image, paragraphs
from masthead.pagecache.tests.helpers import assert_cacheable, cached_site, wsgi_request

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = ORIGIN


def read_feed(client, path: str, *, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return response, parsed


def site_settings(site_tree, **fields) -> SiteSettings:
    settings, _ = SiteSettings.objects.update_or_create(site=site_tree.site, defaults=fields)
    return settings


@pytest.mark.parametrize(("path", "kind"), [("/feed/", "rss20"), ("/feed/atom/", "atom10")])
def test_the_site_feed_keeps_titles_links_dates_authors_and_text(client, site_tree, path, kind):
    site_settings(site_tree, site_name="The Ledger", tagline="News from the valley")
    ada, ben = make_author("Ada Reporter"), make_author("Ben Editor")
    older = make_article(site_tree.sections["news"], title="Older story", authors=[ada], hours_ago=5)
    newest = make_article(
        site_tree.sections["analysis"],
        title="Rates & “quotes” <rise>",
        authors=[ada, ben],
        tags=["Economy"],
        hours_ago=1,
        body=[{"type": "paragraph", "value": '<p>Full text with <a href="/news/">a link</a>.</p>'}],
    )

    response, feed = read_feed(client, path)

    assert response["Content-Type"].startswith("application/rss+xml" if kind == "rss20" else "application/atom+xml")
    assert feed.version == kind
    assert feed.feed.title == "The Ledger"
    assert feed.feed.link == f"{ORIGIN}/latest/"
    assert [entry.title for entry in feed.entries] == ["Rates & “quotes” <rise>", "Older story"]
    first = feed.entries[0]
    assert first.link == f"{ORIGIN}{newest.url}"
    assert first.id == f"urn:uuid:{newest.translation_key}"
    assert calendar.timegm(first.published_parsed) == int(newest.published_at.timestamp())
    assert first.author == "Ada Reporter, Ben Editor"
    assert {tag.term for tag in first.tags} == {"Analysis", "Economy"}
    assert first.summary == newest.standfirst
    # Full text by default, with its addresses made absolute for the reader's app.
    content = first.content[0].value
    assert "Full text with" in content and f'href="{ORIGIN}/news/"' in content
    assert feed.entries[1].link == f"{ORIGIN}{older.url}"


def test_summary_only_when_the_site_asks(client, site_tree):
    site_settings(site_tree, feeds_full_text=False)
    make_article(site_tree.sections["news"], body=paragraphs(3))

    for path in ["/feed/", "/feed/atom/"]:
        _, feed = read_feed(client, path)
        entry = feed.entries[0]
        assert entry.summary == "A short standfirst that tells the reader what happened."
        assert not any("Reporters checked" in part.value for part in entry.get("content", [])), path


def test_the_guid_survives_a_new_slug_and_a_new_section(client, site_tree):
    article = make_article(site_tree.sections["news"], title="Moving story")
    _, before = read_feed(client, "/feed/")

    article.slug = "a-new-address"
    article.save_revision().publish()
    article.move(site_tree.sections["analysis"], pos="last-child")
    _, after = read_feed(client, "/feed/")

    assert before.entries[0].id == after.entries[0].id
    assert after.entries[0].link.endswith("/analysis/a-new-address/")
    assert before.entries[0].guidislink is False


def test_the_featured_image_is_an_enclosure_of_its_real_size(client, site_tree):
    article = make_article(site_tree.sections["news"], image=make_image("Harbour"))

    for path in ["/feed/", "/feed/atom/"]:
        _, feed = read_feed(client, path)
        (enclosure,) = feed.entries[0].enclosures
        assert enclosure.type == "image/webp"
        assert enclosure.href.startswith(f"{ORIGIN}/media/")
        media_path = enclosure.href.removeprefix(ORIGIN)
        image = client.get(media_path)
        assert image.status_code == 200
        assert int(enclosure.length) == len(b"".join(image.streaming_content if image.streaming else [image.content]))
    assert article.featured_image.renditions.count() >= 1


def test_section_author_and_tag_feeds_list_only_their_own(client, site_tree):
    ada, ben = make_author("Ada Reporter"), make_author("Ben Editor")
    make_article(site_tree.sections["news"], title="In news", authors=[ada], tags=["Ports"])
    in_analysis = make_article(site_tree.sections["analysis"], title="In analysis", authors=[ben], tags=["Rates"])

    expectations = {
        "/news/feed/": ["In news"],
        "/analysis/feed/atom/": ["In analysis"],
        f"/author/{ada.slug}/feed/": ["In news"],
        f"/author/{ben.slug}/feed/atom/": ["In analysis"],
        "/tag/ports/feed/": ["In news"],
        "/tag/rates/feed/atom/": ["In analysis"],
    }
    for path, titles in expectations.items():
        _, feed = read_feed(client, path)
        assert [entry.title for entry in feed.entries] == titles, path
    _, news = read_feed(client, "/news/feed/")
    assert news.feed.link == f"{ORIGIN}{site_tree.sections['news'].url}"
    assert news.feed.title.endswith("— News")
    assert in_analysis.url not in client.get("/news/feed/").content.decode()


def test_listing_pages_announce_their_feeds(client, site_tree):
    ada = make_author("Ada Reporter")
    make_article(site_tree.sections["news"], authors=[ada], tags=["Ports"])

    pages = {
        "/": {"/feed/", "/feed/atom/"},
        "/news/": {"/feed/", "/feed/atom/", "/news/feed/", "/news/feed/atom/"},
        f"/author/{ada.slug}/": {"/feed/", f"/author/{ada.slug}/feed/", f"/author/{ada.slug}/feed/atom/"},
        "/tag/ports/": {"/feed/", "/tag/ports/feed/", "/tag/ports/feed/atom/"},
    }
    for page, expected in pages.items():
        tree = html5lib.parse(client.get(page).content.decode(), namespaceHTMLElements=False)
        announced = {
            link.get("href"): link.get("type")
            for link in tree.iter("link")
            if link.get("rel") == "alternate" and link.get("type", "").endswith("+xml")
        }
        assert expected <= set(announced), (page, announced)
        for href in announced:  # every announced feed answers and parses
            read_feed(client, href)


def announced_feeds(client, path: str) -> set[str]:
    tree = html5lib.parse(client.get(path).content.decode(), namespaceHTMLElements=False)
    return {
        link.get("href")
        for link in tree.iter("link")
        if link.get("rel") == "alternate" and link.get("type", "").endswith("+xml")
    }


def test_a_nested_section_announces_only_feeds_that_are_served(client, site_tree):
    """Section feeds are served for top-level sections (/<section>/feed/): a section
    under another announces none of its own, neither an address that is 404 nor a
    top-level section's of the same slug."""
    from masthead.news.models import SectionPage

    def add_section(parent, title: str) -> SectionPage:
        section = SectionPage(title=title, slug="europe")
        parent.add_child(instance=section)
        section.save_revision().publish()
        return section

    nested = add_section(site_tree.sections["news"], "Europe desk")
    top_level = add_section(site_tree.home, "Europe")
    make_article(nested, title="In the nested section")
    make_article(top_level, title="In the top-level section")

    assert announced_feeds(client, nested.url) == {"/feed/", "/feed/atom/"}
    assert announced_feeds(client, top_level.url) == {"/feed/", "/feed/atom/", "/europe/feed/", "/europe/feed/atom/"}
    _, feed = read_feed(client, "/europe/feed/")
    assert [entry.title for entry in feed.entries] == ["In the top-level section"]


def test_unknown_listings_are_404_and_an_article_called_feed_keeps_its_address(client, site_tree):
    assert client.get("/tag/no-such-tag/feed/").status_code == 404
    assert client.get("/author/nobody/feed/atom/").status_code == 404
    assert client.get("/no-such-section/feed/").status_code == 404

    article = make_article(site_tree.sections["news"], title="Our feed, explained")
    article.slug = "feed"
    article.save_revision().publish()

    response = client.get("/news/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Our feed, explained" in response.content.decode()


def test_control_characters_and_markup_in_titles_do_not_break_the_feed(client, site_tree):
    make_article(site_tree.sections["news"], title="Bell\x07 and </title><script>x</script>", standfirst="If a < b & c")

    for path in ["/feed/", "/feed/atom/"]:
        _, feed = read_feed(client, path)
        assert feed.entries[0].title == "Bell and </title><script>x</script>"
        summary = feed.entries[0].summary  # HTML to readers: the text escaped, never markup
        assert html.unescape(summary) == "If a < b & c" and "<" not in summary


def test_private_articles_and_sections_stay_out_of_feeds(client, site_tree, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    make_article(site_tree.sections["news"], title="Public one")
    secret = make_article(site_tree.sections["analysis"], title="Members only")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=site_tree.sections["analysis"], restriction_type="password", password="x"
        )

    _, feed = read_feed(client, "/feed/")
    assert [entry.title for entry in feed.entries] == ["Public one"]
    assert client.get("/analysis/feed/").status_code != 200
    assert secret.title not in client.get("/analysis/feed/").content.decode()


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/news/feed/", "/tag/ports/feed/"])
def test_feeds_are_cacheable_public_pages(client, site_tree, path):
    make_article(site_tree.sections["news"], authors=[make_author()], tags=["Ports"])

    assert_cacheable(client.get(path))


def test_the_feeds_query_count_does_not_grow_with_its_items(client, site_tree):
    ada = make_author("Ada Reporter")
    news = site_tree.sections["news"]

    def queries(path: str) -> int:
        client.get(path)  # settings and renditions made once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make_article(news, authors=[ada], tags=["Ports"], image=make_image())
    few = {path: queries(path) for path in ["/feed/", "/news/feed/atom/", f"/author/{ada.slug}/feed/"]}
    for hours in range(2, 30):
        make_article(news, authors=[ada], tags=["Ports", f"T{hours}"], image=make_image(), hours_ago=hours)
    many = {path: queries(path) for path in few}

    assert many == few
    assert max(many.values()) <= 12, many


def test_a_publish_purges_the_feeds_that_list_it(site_tree, page_cache_dir, django_capture_on_commit_callbacks):
    site = cached_site(page_cache_dir)
    make_article(site_tree.sections["news"], title="First", tags=["Ports"])
    for path in ["/feed/", "/news/feed/", "/tag/ports/feed/"]:
        wsgi_request(site, path)
        assert wsgi_request(site, path).header("X-Cache") == "hit", path
    analysis_feed = wsgi_request(site, "/analysis/feed/")

    with django_capture_on_commit_callbacks(execute=True):
        make_article(site_tree.sections["news"], title="Second", tags=["Ports"])

    for path in ["/feed/", "/news/feed/", "/tag/ports/feed/"]:
        response = wsgi_request(site, path)
        assert feedparser.parse(response.body).entries[0].title == "Second", path
    assert wsgi_request(site, "/analysis/feed/").body == analysis_feed.body


def test_a_full_text_feed_shows_embeds_as_the_page_does_without_a_query_each(client, site_tree):
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    url = "https://www.youtube.com/watch?v=feedtest01"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        html="",
        title="Council meeting, in full",
        provider_name="YouTube",
        thumbnail_url="https://i.ytimg.com/vi/feedtest01/hqdefault.jpg",
    )
    for hours in (1, 2, 3):
        make_article(
            site_tree.sections["news"],
            hours_ago=hours,
            body=[*paragraphs(1), {"type": "embed", "value": {"url": url, "caption": ""}}],
        )

    _, feed = read_feed(client, "/feed/")

    for entry in feed.entries:
        content = entry.content[0].value
        assert "Council meeting, in full" in content and url in content
