"""The page cache answers repeat visits without Django, and only for what may be shared."""

import gzip
import re
from urllib.parse import urlencode

import brotli
import pytest

from masthead.news.tests.factories import make_article, make_author
from masthead.pagecache import stores
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


def test_the_render_that_stores_a_page_says_what_its_fragments_cost_and_the_hits_do_not(site):
    """`make bench` counts fragment hits on the responses Django rendered, the misses
    included; a stored page never replays the figures of the render that stored it."""
    first = wsgi_request(site, "/news/")
    second = wsgi_request(site, "/news/")

    assert first.header("x-cache") == "miss"
    assert re.fullmatch(r"hits=\d+ misses=\d+", first.header("x-fragments") or "")
    assert second.header("x-cache") == "hit"
    assert second.header("x-fragments") is None


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


def _stored_after_two_visits(site, path, query="", headers=None) -> bool:
    wsgi_request(site, path, query=query, headers=headers)
    return wsgi_request(site, path, query=query, headers=headers).header("x-cache") == "hit"


@pytest.mark.parametrize("path", ["/", "/news/", "/tag/ports/"])
def test_pages_are_not_stored_under_a_query_they_do_not_read(site, path, page_cache_dir):
    """`older` on a page that does not page (or an empty one) is served by Django and never stored."""
    pages_before = sorted(page_cache_dir.rglob("*.meta"))
    home_query = "older=junk1" if path == "/" else "older="

    response = wsgi_request(site, path, query=home_query)

    assert response.status_code == 200
    assert not _stored_after_two_visits(site, path, query=home_query)
    assert sorted(page_cache_dir.rglob("*.meta")) == pages_before


def test_a_cursor_is_stored_only_in_its_canonical_spelling(site):
    """The spelling the "Older" links print is stored; any other spelling is a 400."""
    assert _stored_after_two_visits(site, "/latest/", query="older=1-1")
    assert wsgi_request(site, "/latest/", query="older=1%2D1").header("x-cache") == "hit"  # the same cursor

    for spelling in ("01-1", "001-1", "+1_0-1", "1-01", " 1-1"):
        response = wsgi_request(site, "/latest/", query=urlencode({"older": spelling}))
        assert response.status_code == 400, spelling


def test_pages_with_a_query_string_are_capped_per_path(site, monkeypatch):
    """Past the cap a listing's older pages are served from Django without being stored;
    the first page and other paths are unaffected."""
    monkeypatch.setattr(stores, "MAX_QUERY_ENTRIES_PER_PATH", 2)

    stored = [_stored_after_two_visits(site, "/latest/", query=f"older={n}-1") for n in range(1, 5)]

    assert stored == [True, True, False, False]
    assert wsgi_request(site, "/latest/", query="older=3-1").status_code == 200
    assert _stored_after_two_visits(site, "/latest/")
    assert _stored_after_two_visits(site, "/tag/ports/", query="older=1-1")


PRODUCTION_HOST = {"HTTP_HOST": "news.example", "HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def production_site(site, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return cached_site(site.store.root)


def test_a_hit_redirects_plain_http_as_django_does(production_site):
    assert _stored_after_two_visits(production_site, "/", headers=PRODUCTION_HOST)

    plain = wsgi_request(production_site, "/", headers={"HTTP_HOST": "news.example"})
    forwarded_http = wsgi_request(production_site, "/", headers={**PRODUCTION_HOST, "HTTP_X_FORWARDED_PROTO": "http"})

    assert (plain.status_code, plain.header("location")) == (301, "https://news.example/")
    assert forwarded_http.status_code == 301


@pytest.mark.parametrize("host", ["attacker.example", "news.example.attacker.example", "news.example:99999x"])
def test_a_hit_is_refused_to_a_host_django_refuses(production_site, host):
    assert _stored_after_two_visits(production_site, "/", headers=PRODUCTION_HOST)

    response = wsgi_request(production_site, "/", headers={**PRODUCTION_HOST, "HTTP_HOST": host})

    assert response.status_code == 400 and response.header("x-cache") is None


def test_a_hit_is_refused_for_an_empty_forwarded_host_as_django_does(production_site, settings):
    """With USE_X_FORWARDED_HOST, Django reads X-Forwarded-Host whenever it is present, an
    empty one included, and answers 400: a hit must not fall back to Host."""
    settings.USE_X_FORWARDED_HOST = True
    forwarding = cached_site(production_site.store.root)
    assert _stored_after_two_visits(forwarding, "/", headers=PRODUCTION_HOST)

    response = wsgi_request(forwarding, "/", headers={**PRODUCTION_HOST, "HTTP_X_FORWARDED_HOST": ""})

    assert response.status_code == 400 and response.header("x-cache") is None


def test_a_hit_honours_a_port_in_an_allowed_host(production_site):
    wsgi_request(production_site, "/", headers=PRODUCTION_HOST)

    response = wsgi_request(production_site, "/", headers={**PRODUCTION_HOST, "HTTP_HOST": "news.example:443"})

    assert response.header("x-cache") == "hit"


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        ("identity, br;q=0", None),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("br;q=0.0, gzip;q=0.5", "gzip"),
        ("BR", "br"),
        ("*", "br"),
        ("*;q=0", None),
        ("br;q=0, *", "gzip"),
        ("gzip, br; q=0.001", "gzip"),
        ("gzip;q=0.5, br;q=0.5", "br"),
        ("brotli, xgzip", None),
    ],
)
@pytest.mark.parametrize("path", ["/", "/admin/login/"])  # a stored page, and an uncached one compressed on the way
def test_content_coding_honours_the_clients_q_values(site, path, accept_encoding, expected):
    """q=0 means "not acceptable", `*` stands for any coding not named, names ignore case;
    the highest q wins, and brotli breaks a tie."""
    plain = wsgi_request(site, path).body if path == "/" else None

    response = wsgi_request(site, path, headers={"HTTP_ACCEPT_ENCODING": accept_encoding})

    assert response.header("content-encoding") == expected
    if expected == "br":
        body = brotli.decompress(response.body)
    elif expected == "gzip":
        body = gzip.decompress(response.body)
    else:
        body = response.body
    assert b"<form" in body if plain is None else body == plain
