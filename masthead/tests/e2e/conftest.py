"""Reader journeys in a real Chromium (Debian's build, driven by Playwright)."""

import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

from masthead.conftest import load_demo_newsroom, service_missing
from masthead.core.tests.processes import PROJECT, free_port
from masthead.pagecache.purge import page_store
from masthead.pagecache.wsgi import PageCacheApplication

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class OneRequestAtATime:
    """A WSGI application that answers one request at a time. On SQLite's in-memory test
    database the live server's request threads all share the test's one connection
    (nothing else can see that database), and two queries at once on it fail with
    "bad parameter or other API misuse". A browser sends the page, its beacon, Trending
    and the newsletter form together; they wait their turn here instead."""

    def __init__(self, application, lock):
        self.application = application
        self.lock = lock

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.application(environ, start_response)
            try:
                # The body is read, and the response closed (Django's request_finished),
                # while the connection is still this request's alone.
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server; on an in-memory SQLite database it answers one
    request at a time, whatever application a test puts in it."""
    server_thread = live_server.thread
    if server_thread.connections_override:
        server = server_thread.httpd
        lock = threading.Lock()
        current_application = server.get_app

        def serialized_application():
            application = current_application()
            if isinstance(application, OneRequestAtATime):
                return application
            return OneRequestAtATime(application, lock)

        server.get_app = serialized_application
    return live_server


@pytest.fixture
def browser(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make to build content are safe here because the live server has its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The test's ORM calls ran while Playwright's event loop was running, on
        # connections of that context; pytest-django closes only its own. Left open,
        # PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def demo_newsroom(transactional_db, live_server, demo_database_copy):
    """The demo newsroom in the test database (emptied after the test, as in every
    transactional test), served by the live server; yields its address."""
    load_demo_newsroom(demo_database_copy)
    return live_server.url


@pytest.fixture
def origin(live_server, settings, tmp_path):
    """The live server with the page cache in front, as `masthead serve` runs it, and
    static publishing into a folder of its own. Django itself answers /static/ and
    /media/ (WhiteNoise, masthead.urls), not the live server's own file handlers, which
    would send any file under MEDIA_ROOT."""
    settings.MASTHEAD_STATIC_PUBLISH_DIR = tmp_path / "published"
    page_store.cache_clear()
    server = live_server.thread.httpd
    django_application = server.get_app()
    server.set_app(PageCacheApplication(WSGIHandler(), store=page_store()))
    yield live_server.url, settings.MASTHEAD_STATIC_PUBLISH_DIR
    server.set_app(django_application)
    page_store.cache_clear()


@pytest.fixture
def nginx_ports():
    """The sample's HTTPS listener (plain HTTP here: no certificate) and its port-80 one."""
    return free_port(), free_port()


@pytest.fixture
def nginx(origin, settings, tmp_path, nginx_ports):
    """nginx with the sample configuration, in front of the origin."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        service_missing("nginx is not installed (apt-get install nginx-light)")
    origin_url, published = origin
    published.mkdir(parents=True, exist_ok=True)
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    port, http_port = nginx_ports
    server_block = (
        (PROJECT / "docs" / "deploy" / "nginx.conf")
        .read_text()
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@HTTP_LISTEN@", f"127.0.0.1:{http_port}")
        .replace("@SERVER_NAME@", "127.0.0.1")
        .replace("@PUBLISHED@", str(published))
        .replace("@STATIC@", str(PROJECT / "masthead" / "core" / "static"))
        .replace("@MEDIA@", str(settings.MEDIA_ROOT))
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
