"""nginx with the sample configuration (docs/deploy/nginx.conf) keeps Masthead's promises:
the same headers on a published page, and no private file from /media/."""

import http.client
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from masthead.news.tests.factories import build_site, make_article, make_image

pytestmark = pytest.mark.django_db(transaction=True)

# Headers that differ between two correct servers of the same page, and why each may.
NOT_COMPARED = {
    "date",  # the moment each answered
    "server",  # each server's own name
    "connection",  # the transport of each hop, not the page
    "keep-alive",
    "transfer-encoding",
    "content-length",  # nginx sends the .gz written at publish time, Masthead compresses its own copy
    "etag",  # nginx derives its validator from the file (mtime-size), Masthead from the content
    "last-modified",  # the file's time against the time Masthead stored the page
    "x-cache",  # Masthead's hit/miss diagnostics; the file has no cache to report on
}


def raw_get(base: str, path: str, headers=None) -> http.client.HTTPResponse:
    """The path exactly as given: no client-side normalisation of //, . or .."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def compared_headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.getheaders() if name.lower() not in NOT_COMPARED}


@pytest.fixture
def production_like_origin(settings, request):
    """Masthead's headers as production sends them over HTTPS (HSTS), behind a proxy that
    says the scheme. Set before the origin starts: middleware reads them once."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return request.getfixturevalue("origin")


@pytest.mark.parametrize("accept_encoding", ["gzip", "identity"])
def test_a_published_page_has_the_same_headers_from_nginx_as_from_masthead(
    production_like_origin, nginx, settings, accept_encoding
):
    """Every header of the page cache's answer, name and value, is also on nginx's answer
    from the published file, and nginx adds none of its own."""
    tree = build_site()
    story = make_article(tree.sections["news"], title="Harbour talks stall")
    origin_url, published = production_like_origin
    nginx_url, _ = nginx
    request_headers = {"Accept-Encoding": accept_encoding, "X-Forwarded-Proto": "https"}
    assert settings.SECURE_HSTS_SECONDS  # production's HSTS is among the headers compared

    # A miss, as a TLS-terminating proxy passes it on: rendered, stored, published.
    assert raw_get(origin_url, story.url, request_headers).getheader("x-cache") == "miss"
    assert (published / story.url.strip("/") / "index.html").exists()
    from_masthead = raw_get(origin_url, story.url, request_headers)
    from_nginx = raw_get(nginx_url, story.url, request_headers)

    assert from_masthead.getheader("x-cache") == "hit"
    assert from_nginx.getheader("x-cache") is None  # nginx answered from the file
    assert from_nginx.status == from_masthead.status == 200
    assert compared_headers(from_nginx) == compared_headers(from_masthead)
    assert from_nginx.body == from_masthead.body


@pytest.fixture
def private_document(settings):
    build_site()
    private = Collection.get_first_root_node().add_child(name="Legal")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    document = Document(title="Settlement draft", collection=private)
    document.file.save("settlement.txt", ContentFile(b"CONFIDENTIAL settlement terms"), save=False)
    document.save()
    return document


@pytest.mark.parametrize(
    "detour",
    [
        "/media//documents/{name}",
        "/media/./documents/{name}",
        "/media/original_images/../documents/{name}",
        "/media/images/../documents/{name}",
        "/media/images/%2e%2e/documents/{name}",
        "/media/documents/{name}",
    ],
)
def test_nginx_sends_no_private_document_from_media(nginx, private_document, detour):
    nginx_url, _ = nginx
    name = private_document.file.name.removeprefix("documents/")

    response = raw_get(nginx_url, detour.format(name=name))

    assert response.status == 404
    assert b"CONFIDENTIAL" not in response.body
    # nginx refused it itself, without asking Masthead (whose answers all carry a CSP).
    assert response.getheader("content-security-policy") is None


def test_nginx_sends_image_renditions_but_not_originals(nginx):
    build_site()
    image = make_image()
    rendition = image.get_rendition("width-400")
    nginx_url, _ = nginx

    assert raw_get(nginx_url, rendition.url).status == 200
    assert raw_get(nginx_url, "/media/" + image.file.name).status == 404


def test_an_unknown_host_gets_no_answer(nginx):
    """The default server closes the connection (444): published pages are never served
    under a name the site does not own."""
    nginx_url, _ = nginx

    with pytest.raises(http.client.RemoteDisconnected):
        raw_get(nginx_url, "/", headers={"Host": "attacker.example"})


def test_plain_http_only_redirects_to_https(nginx, nginx_ports):
    """Port 80 serves nothing: the site's hosts are sent to HTTPS, any other is refused."""
    plain_url = f"http://127.0.0.1:{nginx_ports[1]}"

    response = raw_get(plain_url, "/news/?a=1")

    assert (response.status, response.getheader("location")) == (301, "https://127.0.0.1/news/?a=1")
    with pytest.raises(http.client.RemoteDisconnected):
        raw_get(plain_url, "/", headers={"Host": "attacker.example"})
