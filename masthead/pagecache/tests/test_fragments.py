"""Fragments and worker memory are retired by a purge of a key they show, and only then.

The page cache is out of the way here (the Django test client goes straight to Django),
so every page is built from fragments and remembered values, as with
MASTHEAD_PAGE_CACHE=off or on the first request after a page's purge.
"""

import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.conftest import service_missing
from masthead.news.tests.factories import make_article, make_author, make_image, make_source
from masthead.pagecache import fragments
from masthead.pagecache.middleware import FRAGMENTS_HEADER
from masthead.pagecache.purge import page_store

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["files", "redis"])
def store_kind(request, settings):
    """The embedded default (files) and scale-out (Redis) keep the clock alike."""
    if request.param == "redis":
        url = django_settings.CONFIG.test_redis_url
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            service_missing(f"Redis not reachable at {url}: {error}")
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = url
        page_store.cache_clear()
        store = page_store()
        store.__init__(url, prefix=f"masthead-test-{uuid.uuid4().hex}:")  # this test's own keys
        yield request.param
        store.purge_all()
        store.client.delete(*store._clock_keys)
        page_store.cache_clear()
    else:
        yield request.param


@pytest.fixture
def two_articles(site_tree, django_capture_on_commit_callbacks):
    news = site_tree.sections["news"]
    with django_capture_on_commit_callbacks(execute=True):
        ada = make_author("Ada Reporter")
        first = make_article(news, title="The first story", authors=[ada], tags=["Ports"], hours_ago=30)
        second = make_article(news, title="The second story", authors=[ada], tags=["Ports"], hours_ago=20)
        third = make_article(news, title="The third story", authors=[make_author("Cy Writer")], hours_ago=10)
    return {"first": first, "second": second, "third": third, "ada": ada, "site_tree": site_tree}


def fragment_counts(response) -> tuple[int, int]:
    """(hits, misses) of the fragments the response was built from."""
    header = response.headers.get(FRAGMENTS_HEADER, "hits=0 misses=0")
    counts = dict(part.split("=") for part in header.split())
    return int(counts["hits"]), int(counts["misses"])


def visit(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(queries)


def test_purging_one_article_leaves_the_others_warm(
    client, store_kind, two_articles, django_capture_on_commit_callbacks
):
    first, third = two_articles["first"], two_articles["third"]
    for article in (first, third):
        visit(client, article.url)
        visit(client, article.url)  # the renditions and Wagtail's own caches are made
    response, queries = visit(client, third.url)
    assert fragment_counts(response)[1] == 0 and queries == 0  # warm: nothing built, nothing read

    with django_capture_on_commit_callbacks(execute=True):
        first.title = "The first story, corrected"
        first.save_revision().publish()

    response, queries = visit(client, third.url)
    hits, misses = fragment_counts(response)
    assert (misses, queries) == (0, 0), "another article's purge retired this one's fragments or memory"
    assert hits >= 5  # head, body, header, sidebar, footer, site settings, ads
    response, queries = visit(client, first.url)
    assert fragment_counts(response)[1] >= 1 and queries > 0  # its own fragments were built again
    assert b"The first story, corrected" in response.content


def test_purge_everything_retires_every_fragment(client, store_kind, two_articles):
    third = two_articles["third"]
    visit(client, third.url)
    visit(client, third.url)
    page_store().purge_all()  # what purge_everything() runs on commit
    response, queries = visit(client, third.url)
    hits, misses = fragment_counts(response)
    assert hits == 0 and misses >= 5 and queries > 0


def _rename_author(articles):
    articles["ada"].name = "Ada Renamed"
    articles["ada"].save()
    return "first", b"Ada Renamed"


def _rename_tag(articles):
    from taggit.models import Tag

    tag = Tag.objects.get(slug="ports")
    tag.name = "Harbours"
    tag.save()
    return "first", b"Harbours"


def _rename_section(articles):
    news = articles["site_tree"].sections["news"]
    news.title = "World News"
    news.save_revision().publish()
    return "first", b"World News"


def _credit_a_source(articles):
    source = make_source("The Wire Service")
    first = articles["first"]
    first.source = source
    first.original_author = "A. Correspondent"
    first.save_revision().publish()
    source.name = "The Renamed Wire"
    source.save()
    return "first", b"The Renamed Wire"


def _retitle_the_next_article(articles):
    # The first story is the oldest: the second one's "Continue reading" names it.
    articles["first"].title = "The oldest story, retitled"
    articles["first"].save_revision().publish()
    return "second", b"The oldest story, retitled"


def _publish_one_in_between(articles):
    news = articles["site_tree"].sections["news"]
    make_article(news, title="A story from the day before", hours_ago=25)
    return "second", b"A story from the day before"  # now its "Continue reading"


def _rename_the_site(articles):
    from masthead.core.models import SiteSettings

    site_settings, _ = SiteSettings.objects.get_or_create(site=articles["site_tree"].site)
    site_settings.site_name = "The Renamed Gazette"
    site_settings.save()
    return "third", b"The Renamed Gazette"


def _change_an_image_credit(articles):
    image = make_image("Harbour at dawn", credit="First Photographer")
    third = articles["third"]
    third.featured_image = image
    third.save_revision().publish()
    image.credit = "Second Photographer"
    image.save()
    return "third", b"Second Photographer"


@pytest.mark.parametrize(
    "change",
    [
        _rename_author,
        _rename_tag,
        _rename_section,
        _credit_a_source,
        _retitle_the_next_article,
        _publish_one_in_between,
        _rename_the_site,
        _change_an_image_credit,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_no_change_is_ever_served_from_a_stale_fragment(
    client, store_kind, two_articles, change, django_capture_on_commit_callbacks
):
    for name in ("first", "second", "third"):
        visit(client, two_articles[name].url)  # every fragment and route is warm
    with django_capture_on_commit_callbacks(execute=True):
        name, shown = change(two_articles)
    article = type(two_articles[name]).objects.get(pk=two_articles[name].pk)
    assert shown in visit(client, article.url)[0].content


def test_a_fragment_built_while_its_key_was_purged_is_not_used_again(client, two_articles):
    """Built from rows read before a purge committed, kept at the generation the request
    began with: the purge's later generation retires it on the next request."""
    store = page_store()
    began = fragments.Freshness(store)
    kept = began.keep("old markup", {"page-1"})
    store.purge_keys(["page-1"])
    assert not fragments.Freshness(store).holds(kept)
    assert fragments.Freshness(store).holds(began.keep("other markup", {"page-2"}))


def test_pages_are_served_while_the_store_and_the_shared_cache_are_down(client, settings, two_articles):
    """Redis down (here: nothing listens at its address): the page cache already steps
    aside; fragments and remembered values are built for each request instead."""
    path = two_articles["third"].url
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = "redis://127.0.0.1:9/0"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "masthead.core.cache_backends.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        },
    }
    page_store.cache_clear()
    try:
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200
            assert b"The third story" in response.content
    finally:
        page_store.cache_clear()


def test_what_readers_add_retires_the_page_and_not_its_fragments(client, store_kind, two_articles):
    """A comment approved on the article (keys.discussion): the stored page goes, and the
    page is built again from warm fragments but its comments' own."""
    from masthead.pagecache import keys
    from masthead.pagecache.tests.helpers import wsgi_request
    from masthead.pagecache.wsgi import PageCacheApplication

    third = two_articles["third"]
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    wsgi_request(site, third.url)
    assert wsgi_request(site, third.url).header("x-cache") == "hit"

    assert third.url in page_store().purge_keys([keys.discussion(third.pk)])

    again = wsgi_request(site, third.url)
    assert again.header("x-cache") == "miss"
    # The thread under the article (comments' `{% discussion %}`) is the one rebuilt.
    assert again.header("x-fragments").endswith("misses=1")


def test_a_section_with_a_new_slug_is_linked_at_its_new_address_everywhere(
    client, two_articles, django_capture_on_commit_callbacks
):
    """The header's menu (a fragment that names only the site) links the section; a new
    slug moves the section and every article under it (found in review)."""
    from masthead.core.models import MenuItem, SiteSettings

    news = two_articles["site_tree"].sections["news"]
    with django_capture_on_commit_callbacks(execute=True):
        site_settings, _ = SiteSettings.objects.get_or_create(site=two_articles["site_tree"].site)
        MenuItem.objects.create(settings=site_settings, label="World desk", link_page=news, sort_order=0)
    third = two_articles["third"]
    assert b'href="/news/"' in visit(client, third.url)[0].content

    with django_capture_on_commit_callbacks(execute=True):
        news.slug = "world"
        news.save_revision().publish()

    moved = type(third).objects.get(pk=third.pk)
    page = visit(client, moved.url)[0].content
    assert b'href="/world/"' in page and b'href="/news/"' not in page
