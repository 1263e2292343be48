"""The page cache answers repeat visits without Django, and only for what may be shared."""

import gzip

import brotli
import pytest

from masthead.news.tests.factories import make_article, make_author
from masthead.pagecache.tests.helpers import cached_site, wsgi_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(site_tree, tmp_path):
    make_article(site_tree.sections["news"], title="Cached story", authors=[make_author()], tags=["Ports"])
    return cached_site(tmp_path / "pages")


def test_second_visit_is_a_hit_with_the_same_page(site):
    first = wsgi_request(site, "/")
    second = wsgi_request(site, "/")

    assert first.status_code == second.status_code == 200
    assert (first.header("x-cache"), second.header("x-cache")) == ("miss", "hit")
    assert first.body == second.body and b"Cached story" in second.body
    assert second.header("etag") and second.header("last-modified")
    assert "public" in second.header("cache-control") and "s-maxage=" in second.header("cache-control")
    assert second.header("x-masthead-cache-keys") is None
    assert second.header("set-cookie") is None


def test_revalidation_gets_304_without_a_body(site):
    etag = wsgi_request(site, "/latest/").header("etag")

    response = wsgi_request(site, "/latest/", headers={"HTTP_IF_NONE_MATCH": etag})

    assert response.status_code == 304
    assert response.body == b""


def test_pages_are_sent_compressed_as_the_client_accepts(site):
    plain = wsgi_request(site, "/").body
    as_br = wsgi_request(site, "/", headers={"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"})
    as_gzip = wsgi_request(site, "/", headers={"HTTP_ACCEPT_ENCODING": "gzip"})

    assert as_br.header("content-encoding") == "br" and brotli.decompress(as_br.body) == plain
    assert as_gzip.header("content-encoding") == "gzip" and gzip.decompress(as_gzip.body) == plain
    assert "Accept-Encoding" in as_br.header("vary")


def test_unknown_query_parameters_share_the_stored_page(site):
    wsgi_request(site, "/latest/")
    tracked = wsgi_request(site, "/latest/", query="utm_source=newsletter&fbclid=123")

    assert tracked.header("x-cache") == "hit"


def test_head_gets_headers_only(site):
    wsgi_request(site, "/")
    response = wsgi_request(site, "/", method="HEAD")
    assert response.status_code == 200 and response.body == b""
    assert int(response.header("content-length")) > 0


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/admin/login/", {}),
        ("/", {"HTTP_COOKIE": "sessionid=abc"}),
        ("/no/such/page/", {}),
        ("/latest/?older=garbage", {}),
    ],
)
def test_never_stored(site, path, headers):
    path, _, query = path.partition("?")
    wsgi_request(site, path, query=query, headers=headers)
    again = wsgi_request(site, path, query=query, headers=headers)

    assert again.header("x-cache") != "hit"


def test_uncached_html_is_compressed_too(site):
    response = wsgi_request(site, "/admin/login/", headers={"HTTP_ACCEPT_ENCODING": "br"})
    assert response.header("content-encoding") == "br"
    assert b"<form" in brotli.decompress(response.body)


def test_page_cache_off_passes_everything_to_django(site_tree, tmp_path):
    from django.core.handlers.wsgi import WSGIHandler

    from masthead.pagecache.stores import FileStore
    from masthead.pagecache.wsgi import PageCacheApplication

    off = PageCacheApplication(WSGIHandler(), store=FileStore(tmp_path / "p"), enabled=False)
    wsgi_request(off, "/")
    response = wsgi_request(off, "/")

    assert response.status_code == 200 and response.header("x-cache") is None
    assert not (tmp_path / "p").exists()
