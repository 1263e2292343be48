"""After a publish, a reader's next visit shows the new version: from Masthead's own page
cache, and through nginx serving the statically published files (docs/deploy/nginx.conf)."""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from masthead.conftest import service_missing
from masthead.core.tests.processes import PROJECT
from masthead.news.tests.factories import build_site, make_article
from masthead.pagecache.purge import page_store
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def origin(live_server, settings, tmp_path):
    """The live server with the page cache in front, as `masthead serve` runs it, and
    static publishing into a folder of its own."""
    settings.MASTHEAD_STATIC_PUBLISH_DIR = tmp_path / "published"
    page_store.cache_clear()
    server = live_server.thread.httpd
    django_application = server.get_app()
    server.set_app(PageCacheApplication(django_application, store=page_store()))
    yield live_server.url, settings.MASTHEAD_STATIC_PUBLISH_DIR
    server.set_app(django_application)
    page_store.cache_clear()


@pytest.fixture
def nginx(origin, tmp_path):
    """nginx with the sample configuration, in front of the origin."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        service_missing("nginx is not installed (apt-get install nginx-light)")
    origin_url, published = origin
    published.mkdir(parents=True, exist_ok=True)
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    port = _free_port()
    server_block = (
        (PROJECT / "docs" / "deploy" / "nginx.conf")
        .read_text()
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@PUBLISHED@", str(published))
        .replace("@STATIC@", str(PROJECT / "masthead" / "core" / "static"))
        .replace("@MEDIA@", str(tmp_path / "media"))
        .replace("@UPSTREAM@", origin_url.removeprefix("http://"))
    )
    config = workdir / "nginx.conf"
    config.write_text(
        ""
        # As root, nginx's workers would otherwise run as nobody, who cannot enter pytest's
        # private temporary folders.
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off; pid {workdir}/nginx.pid; error_log {workdir}/error.log warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; client_body_temp_path {workdir}/body; "
        f"proxy_temp_path {workdir}/proxy;\n{server_block}\n}}\n"
    )
    process = subprocess.Popen([binary, "-c", str(config), "-p", str(workdir)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
        yield url, published
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx stopped: " + process.stderr.read().decode())
        try:
            urllib.request.urlopen(url + "/nginx-is-up", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any answer will do
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


@pytest.fixture
def story():
    tree = build_site()
    return make_article(tree.sections["news"], title="Harbour talks stall", hours_ago=1)


def _republish(article, title: str) -> None:
    article.title = title
    article.save_revision().publish()  # autocommit: the purge runs on this commit


def test_a_reader_sees_a_publish_at_once_from_the_page_cache(origin, browser, story):
    base, _ = origin
    page = browser.new_page()

    first = page.goto(base + story.url)
    again = page.goto(base + story.url)
    assert (first.headers.get("x-cache"), again.headers.get("x-cache")) == ("miss", "hit")
    page.goto(base + "/")
    assert page.get_by_role("link", name="Harbour talks stall").count() > 0

    _republish(story, "Harbour talks resume")

    page.goto(base + story.url)
    assert page.locator("h1").inner_text() == "Harbour talks resume"
    page.goto(base + "/")
    assert page.get_by_role("link", name="Harbour talks resume").count() > 0
    assert page.get_by_role("link", name="Harbour talks stall").count() == 0


def test_a_reader_sees_a_publish_at_once_through_nginx_static_publishing(nginx, browser, story):
    base, published = nginx
    page = browser.new_page()
    published_file = published / story.url.strip("/") / "index.html"

    assert page.goto(base + story.url).headers.get("x-cache") == "miss"  # rendered, stored, published
    assert published_file.exists()
    from_file = page.goto(base + story.url)
    assert "x-cache" not in from_file.headers  # nginx answered from the file
    assert from_file.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.locator("h1").inner_text() == "Harbour talks stall"
    # The cache's bookkeeping beside the page is never sent.
    bookkeeping = page.request.get(base + story.url + "index.html.meta")
    assert bookkeeping.status == 404 and b'"etag"' not in bookkeeping.body()

    _republish(story, "Harbour talks resume")

    assert not published_file.exists()
    page.reload()
    assert page.locator("h1").inner_text() == "Harbour talks resume"
    assert published_file.exists()  # published again by that visit
