"""Listings read in a fixed number of queries and page by cursor, never OFFSET."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.news import selectors
from masthead.news.pagination import InvalidCursor
from masthead.news.tests.factories import make_article, make_author, make_image, make_simple_page, paragraphs
from masthead.pagecache.purge import page_store

pytestmark = pytest.mark.django_db


def test_stream_pages_by_cursor_without_gaps_or_repeats(site_tree):
    articles = [make_article(site_tree.sections["news"], hours_ago=hours) for hours in range(1, 8)]

    seen, cursor = [], ""
    while True:
        page = selectors.article_stream(cursor=cursor, page_size=3)
        seen += [article.pk for article in page.articles]
        if not page.older_cursor:
            break
        cursor = page.older_cursor

    assert seen == [article.pk for article in articles]


def test_stream_is_stable_when_a_new_article_is_published(site_tree):
    for hours in range(1, 6):
        make_article(site_tree.sections["news"], hours_ago=hours)
    first = selectors.article_stream(page_size=2)

    make_article(site_tree.sections["news"], hours_ago=0)
    second = selectors.article_stream(cursor=first.older_cursor, page_size=2)

    assert not {a.pk for a in first.articles} & {a.pk for a in second.articles}


def test_stream_orders_same_time_articles_by_id(site_tree):
    from django.utils import timezone

    moment = timezone.now()
    made = [make_article(site_tree.sections["news"]) for _ in range(3)]
    for article in made:
        type(article).objects.filter(pk=article.pk).update(published_at=moment)

    page_one = selectors.article_stream(page_size=2)
    page_two = selectors.article_stream(cursor=page_one.older_cursor, page_size=2)

    assert [a.pk for a in page_one.articles + page_two.articles] == sorted((a.pk for a in made), reverse=True)


@pytest.mark.parametrize("raw", ["abc", "12-", "-1", "99999999999999999999999-1", "1-x"])
def test_malformed_cursor_is_rejected(site_tree, raw):
    with pytest.raises(InvalidCursor):
        selectors.article_stream(cursor=raw)


def test_section_lists_primary_and_secondary_articles_once(site_tree):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    primary = make_article(news)
    secondary = make_article(analysis)
    secondary.secondary_sections.set([news, analysis])
    secondary.save_revision().publish()

    listed = selectors.article_stream(section=news).articles

    assert sorted(a.pk for a in listed) == sorted([primary.pk, secondary.pk])


def test_next_older_article_follows_the_latest_stream(site_tree):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    oldest = make_article(news, hours_ago=9)
    middle = make_article(analysis, hours_ago=5)
    newest = make_article(news, hours_ago=1)

    assert selectors.next_older_article(article=newest) == middle
    assert selectors.next_older_article(article=middle) == oldest
    assert selectors.next_older_article(article=oldest) is None


def _queries(client, path, *, after_purge: bool) -> int:
    client.get(path)  # first request makes image renditions and warms Wagtail's site cache
    if after_purge:
        page_store().purge_all()  # fragments and worker memory start over
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def _fill(site_tree, count):
    """count articles; the first (the one whose page is measured) has up to 6 authors and 8 tags."""
    authors = [make_author() for _ in range(min(count, 6))]
    image = make_image()
    articles = []
    for number in range(count):
        section = site_tree.sections["analysis" if number % 2 else "news"]
        first = number == 0
        articles.append(
            make_article(
                section,
                authors=authors if first else authors[: 1 + number % 3],
                tags=[f"tag-{n}" for n in range(min(count, 8))]
                if first
                else [f"tag-{number % 7}", f"topic-{number % 5}"],
                hours_ago=number + 1,
                image=image,
                is_staff_pick=number % 4 == 0,
            )
        )
    make_simple_page(site_tree.home, title="About us", body=paragraphs(3))
    return articles


PAGES = {
    "home": lambda a: "/",
    "section": lambda a: "/news/",
    "latest": lambda a: "/latest/",
    "staff picks": lambda a: "/staff-picks/",
    "tag": lambda a: "/tag/tag-0/",
    "author": lambda a: a[0].article_authors.first().author.get_absolute_url(),
    "article": lambda a: a[0].url,
    "fragment": lambda a: f"/fragments/article/{a[0].pk}/",
    "trending": lambda a: "/trending/",
    "donate": lambda a: "/donate/",
    "donation thank you": lambda a: "/donations/thank-you/",
    "simple page": lambda a: "/about-us/",
}
# Pinned: a page that starts querying per article, author or tag fails here. Warm is
# what a reader gets between two publishes; after a purge, the first render.
# After a purge, pages with the donate box (sidebar or home rail) read the site's donation
# settings and currencies once: two more than before donations (issue 11). Pages with the
# sidebar read the newsletter settings once after a purge, for the signup box (issue 12;
# the article's own box at its end shares that read).
PINNED_QUERIES = {
    "home": (0, 18),
    "section": (6, 18),
    "latest": (4, 14),
    "staff picks": (5, 15),
    "tag": (5, 15),
    "author": (6, 16),
    "article": (0, 16),  # one more than before comments: the discussion's row
    "fragment": (1, 12),
    "trending": (0, 6),  # the lists are plain values in the shared cache: after a purge, only the chrome
    "donate": (0, 9),
    "donation thank you": (0, 7),
    "simple page": (2, 13),  # Wagtail's own route to it (the page, then its specific row); no lists
}


@pytest.mark.parametrize("count", [1, 100])  # 100: the latest, section and staff picks run to older pages
def test_query_counts_do_not_grow_with_content(client, site_tree, count):
    articles = _fill(site_tree, count)
    counts = {
        name: (_queries(client, path(articles), after_purge=False), _queries(client, path(articles), after_purge=True))
        for name, path in PAGES.items()
    }
    assert counts == PINNED_QUERIES, str(counts)


# A different article on every request, none opened since the last purge, while the
# site's chrome (settings, menus, header, footer, sidebar, ads, sections) stays cached:
# what the first render of an article costs once purges are precise.
UNSEEN_ARTICLE_QUERIES = 5  # the page, its bylines, tags, next article, discussion


def test_first_render_of_an_unseen_article_reads_only_what_it_shows(client, site_tree):
    articles = _fill(site_tree, 10)  # the first has 6 authors and 8 tags
    for seen in articles[1:3]:  # one in each section: the chrome and the renditions are made
        assert client.get(seen.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(articles[0].url)
    assert response.status_code == 200
    assert len(captured) == UNSEEN_ARTICLE_QUERIES, "\n".join(query["sql"][:300] for query in captured)
