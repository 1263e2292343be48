"""Embeds are resolved when the article is saved, from a real HTTP oEmbed provider,
and render without any provider script; unreachable providers leave a link card."""

import io
import json
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from PIL import Image
from wagtail.embeds.finders import get_finders
from wagtail.embeds.models import Embed

from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (48, 27), (30, 90, 160)).save(picture, "PNG")
    return picture.getvalue()


VIDEO_URL = "https://www.youtube.com/watch?v=Ab3dE5gH7jK"
THUMBNAIL_PNG = _png()
POST_URL = "https://x.com/harbourdesk/status/1794412087335210045"


class FakeOEmbedProvider(BaseHTTPRequestHandler):
    """Answers like YouTube's and X's oEmbed endpoints do."""

    requests: list[str] = []

    def do_GET(self):
        if self.path == "/thumbnail.png":
            return self._send("image/png", THUMBNAIL_PNG)
        if self.path == "/moved.png":
            self.send_response(302)
            self.send_header("Location", "/thumbnail.png")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        url = parse_qs(urlsplit(self.path).query)["url"][0]
        type(self).requests.append(url)
        if "youtube" in url:
            answer = {
                "type": "video",
                "title": "Inside the wind farm",
                "provider_name": "YouTube",
                "thumbnail_url": f"http://127.0.0.1:{self.server.server_port}/thumbnail.png",
                "html": '<iframe width="200" height="113" src="https://www.youtube.com/embed/Ab3dE5gH7jK?feature=oembed"></iframe>',
                "width": 200,
                "height": 113,
            }
        else:
            answer = {
                "type": "rich",
                "provider_name": "X",
                "author_name": "Harbour Desk",
                "html": '<blockquote class="twitter-tweet"><p>The ferry inquiry opens today.</p></blockquote>'
                '<script async src="https://platform.twitter.com/widgets.js"></script>',
            }
        self._send("application/json", json.dumps(answer).encode())

    def _send(self, content_type: str, body: bytes):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oembed_provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOEmbedProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_port}/oembed"
    settings.WAGTAILEMBEDS_FINDERS = [
        {
            "class": "wagtail.embeds.finders.oembed",
            "providers": [{"endpoint": endpoint, "urls": [r"^https://www\.youtube\.com/.+$", r"^https://x\.com/.+$"]}],
        }
    ]
    get_finders.cache_clear()
    settings.MASTHEAD_EMBED_THUMBNAIL_HOSTS = ["127.0.0.1"]  # the fake stands in for i.ytimg.com too
    FakeOEmbedProvider.requests = []
    FakeOEmbedProvider.port = server.server_port
    yield FakeOEmbedProvider
    server.shutdown()
    get_finders.cache_clear()


def embed_body():
    return [
        {"type": "paragraph", "value": "<p>Watch the report.</p>"},
        {"type": "embed", "value": {"url": VIDEO_URL, "caption": "Our video desk"}},
        {"type": "embed", "value": {"url": POST_URL, "caption": ""}},
    ]


def test_saving_resolves_embeds_and_rendering_never_asks_the_provider(
    client, site_tree, oembed_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(site_tree.sections["news"], body=embed_body())
    assert set(oembed_provider.requests) == {VIDEO_URL, POST_URL}
    asked = len(oembed_provider.requests)

    body = client.get(article.url).content.decode()

    assert len(oembed_provider.requests) == asked
    tree = html5lib.parse(body, namespaceHTMLElements=False)
    play = tree.find(".//button[@data-embed-src]")
    assert play.get("data-embed-src").startswith("https://www.youtube-nocookie.com/embed/Ab3dE5gH7jK?")
    assert "autoplay=1" in play.get("data-embed-src")
    assert "<iframe" not in body
    assert "widgets.js" not in body and "platform.twitter.com" not in body
    thumbnail = play.find(".//img").get("src")
    assert thumbnail.startswith("/media/images/embeds/")  # our copy: nothing loads from the provider
    provider_origin = f"127.0.0.1:{oembed_provider.port}"  # the fake provider, not the site's own address
    assert provider_origin not in body and "ytimg" not in body
    post = tree.find(".//blockquote[@class='embed__post']")
    assert "The ferry inquiry opens today." in "".join(post.itertext())
    assert post.get("cite") == POST_URL


def test_unreachable_provider_renders_plain_links(client, site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(site_tree.sections["news"], body=embed_body())
    assert not Embed.objects.exists()

    tree = html5lib.parse(client.get(article.url).content.decode(), namespaceHTMLElements=False)

    links = [a.get("href") for a in tree.findall(".//figure//a[@class='embed-card']")]
    assert links == [VIDEO_URL, POST_URL]


def test_resolving_twice_is_harmless(site_tree, oembed_provider, django_capture_on_commit_callbacks):
    from masthead.news.tasks import resolve_embeds

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(site_tree.sections["news"], body=embed_body())
    first = resolve_embeds.call(article.pk)
    second = resolve_embeds.call(article.pk)

    assert first == second == {"resolved": 2, "failed": 0}
    assert Embed.objects.count() == 2


def test_a_page_shown_before_its_embeds_resolved_is_refreshed_when_they_are(
    client, site_tree, oembed_provider, django_capture_on_commit_callbacks
):
    from masthead.news.tasks import resolve_embeds

    with django_capture_on_commit_callbacks() as pending:
        article = make_article(site_tree.sections["news"], body=embed_body())
    for callback in pending:  # the publish commits and purges; the task waits in the queue
        if not (isinstance(callback, partial) and callback.func == resolve_embeds.enqueue):
            callback()
    before = client.get(article.url).content.decode()
    assert "data-embed-src" not in before  # link cards, now kept in the fragment caches

    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the task
        resolve_embeds.call(article.pk)

    after = client.get(article.url).content.decode()
    assert "data-embed-src" in after and "/media/images/embeds/" in after


def test_thumbnails_come_only_from_the_providers_picture_hosts(oembed_provider):
    from masthead.core.embed_thumbnails import store_thumbnail, stored_thumbnail_url

    local = f"http://127.0.0.1:{oembed_provider.port}"
    not_a_picture = f"{local}/oembed?url=https://x.com/a"
    assert store_thumbnail(not_a_picture) is False
    assert stored_thumbnail_url(not_a_picture) == ""
    assert store_thumbnail(f"{local}/moved.png") is False  # a redirect is not followed
    assert store_thumbnail(f"http://localhost:{oembed_provider.port}/thumbnail.png") is False  # not listed
    assert store_thumbnail("file:///etc/passwd") is False
    assert store_thumbnail(f"{local}/thumbnail.png") is True
    assert store_thumbnail(f"{local}/thumbnail.png") is False  # kept from the first time
    assert stored_thumbnail_url(f"{local}/thumbnail.png").startswith("/media/images/embeds/")


def test_each_unreachable_embed_logs_one_short_warning(site_tree, caplog, django_capture_on_commit_callbacks):
    """One line per embed that names it and why, without a traceback or the HTTP
    library's nested exception text."""
    with caplog.at_level("WARNING", logger="masthead.news.tasks"), django_capture_on_commit_callbacks(execute=True):
        make_article(site_tree.sections["news"], body=embed_body())

    records = [record for record in caplog.records if record.name == "masthead.news.tasks"]
    assert [record.levelname for record in records] == ["WARNING", "WARNING"]
    for record, url in zip(records, (VIDEO_URL, POST_URL), strict=True):
        message = record.getMessage()
        assert url in message
        assert "\n" not in message and record.exc_info is None
        assert len(message) < len(url) + 80, message
        assert "HTTPConnectionPool" not in message and "Max retries" not in message
