"""Numbers that change many times a second are short-lived responses: kept for their
seconds, never purged by a key, never published for nginx."""

import json
import types

import pytest
from django.core.handlers.wsgi import WSGIHandler

from masthead.pagecache import entry as entry_module
from masthead.pagecache.stores import FileStore, MirroredStore
from masthead.pagecache.tests.helpers import redis_page_store, wsgi_request
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = [pytest.mark.django_db, pytest.mark.urls("masthead.pagecache.tests.short_lived_urls")]


def served(response) -> int:
    return json.loads(response.body)["served"]


def later(monkeypatch, seconds):
    now = entry_module.time.time()
    monkeypatch.setattr(entry_module, "time", types.SimpleNamespace(time=lambda: now + seconds))


def test_a_short_lived_number_is_kept_for_its_seconds_and_never_purged_by_a_key(site_tree, tmp_path, monkeypatch):
    store = FileStore(tmp_path / "pages")
    site = PageCacheApplication(WSGIHandler(), store=store)
    first = wsgi_request(site, "/live/counter/")
    assert first.header("cache-control") == "public, max-age=30"
    assert first.header("x-masthead-cache-seconds") is None  # internal: never sent

    store.purge_keys(["page-1", "list-latest", "article-1"])  # a comment approved, an article published
    again = wsgi_request(site, "/live/counter/")
    assert again.header("x-cache") == "hit" and served(again) == served(first)

    later(monkeypatch, 31)
    fresh = wsgi_request(site, "/live/counter/")
    assert fresh.header("x-cache") == "miss" and served(fresh) > served(first)


def test_a_short_lived_number_is_never_published_for_nginx(site_tree, tmp_path, monkeypatch):
    published = tmp_path / "published"
    site = PageCacheApplication(WSGIHandler(), store=FileStore(published))
    wsgi_request(site, "/live/counter/")
    assert wsgi_request(site, "/live/counter/").header("x-cache") == "hit"
    assert not (published / "live").exists()  # under .q/, which nginx never serves


def test_a_short_lived_number_expires_in_redis_too(site_tree, tmp_path):
    with redis_page_store() as primary:
        store = MirroredStore(primary, FileStore(tmp_path / "published"))
        site = PageCacheApplication(WSGIHandler(), store=store)
        wsgi_request(site, "/live/counter/")
        key = primary._entry_key("/live/counter/")
        assert 0 < primary.client.ttl(key) <= 30  # Redis drops it on time
        assert primary.client.ttl(primary._index_key("site")) > 30  # the index of every page keeps its own
        assert wsgi_request(site, "/live/counter/").header("x-cache") == "hit"
        assert not (tmp_path / "published" / "live").exists()
