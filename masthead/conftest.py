"""Fixtures shared by every app's tests.

Tests that need PostgreSQL, Redis or Chromium skip with a reason when the service is
missing, and fail instead when MASTHEAD_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from django.conf import settings

# Fixtures through which a test reaches a database; a test with none of them (and no
# django_db mark) cannot, as pytest-django refuses it any connection. (Not
# django_db_blocker: pytest-django's own autouse fixtures ask every test for it.)
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server", "django_db_setup"}


def pytest_collection_modifyitems(config, items):
    """Mark `engine_independent` the tests that cannot reach a database: their outcome is
    the same on SQLite and PostgreSQL, so the PostgreSQL pass leaves them to the SQLite
    pass instead of running them twice (CI runs both passes side by side on two cores)."""
    for item in items:
        if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        item.add_marker(pytest.mark.engine_independent)


def service_missing(reason: str) -> None:
    """Skip, or fail when services are required."""
    if settings.CONFIG.require_services:
        pytest.fail(f"Required service missing (MASTHEAD_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Each run its own folders: CI runs its SQLite and PostgreSQL passes side by side in
    # one checkout, and one pass's import deleted the file the other was about to read.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.MASTHEAD_IMPORT_DIR = tmp_path_factory.getbasetemp() / "imports"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Fragments and renditions cached by one test must not leak into the next, whose
    rolled-back rows may reuse the same ids."""
    from django.core.cache import caches

    from masthead.pagecache.memory import clear_every_memory

    for alias in ("default", "renditions"):
        caches[alias].clear()
    clear_every_memory()


@pytest.fixture(autouse=True)
def page_cache_dir(settings, tmp_path):
    """Every test gets an empty page cache of its own."""
    from masthead.pagecache.purge import page_store

    settings.MASTHEAD_PAGE_CACHE_DIR = tmp_path / "pages"
    page_store.cache_clear()
    yield settings.MASTHEAD_PAGE_CACHE_DIR
    page_store.cache_clear()


class Inbox:
    """What a real SMTP server (aiosmtpd) received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    """An aiosmtpd server on a free loopback port, and Django's mail pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database, with the base site most tests start from (factories.BaseSite)."""
    from django.core.cache import caches
    from django.test import override_settings

    from masthead.news.tests.factories import base_site
    from masthead.pagecache.memory import clear_every_memory
    from masthead.pagecache.purge import page_store

    folder = tmp_path_factory.mktemp("base-site")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media", MASTHEAD_PAGE_CACHE_DIR=folder / "pages"),
    ):
        base_site.build()
    page_store.cache_clear()
    for alias in ("default", "renditions"):
        caches[alias].clear()
    clear_every_memory()


@pytest.fixture(autouse=True)
def _transactional_tests_start_empty(request, django_db_blocker):
    """A transactional test sees the site as the previous one's emptying left it, not
    the base site: the first of them removes it (pytest-django runs them after the
    others, so the rest of the run never needs it)."""
    from masthead.news.tests.factories import base_site

    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional and base_site.home_id is not None:
        with django_db_blocker.unblock():
            base_site.drop()


@pytest.fixture
def site_tree(db):
    from masthead.news.tests.factories import base_site, build_site

    return base_site.fetch() or build_site()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        service_missing("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def demo_database_copy():
    """The SQLite test database as it was right after the run's first demo load."""
    copy: list[sqlite3.Connection] = []
    yield copy
    for database in copy:
        database.close()


def load_demo_newsroom(copy: list[sqlite3.Connection]) -> None:
    """Put the demo newsroom into the test database. Loading it takes seconds: on SQLite
    the first load keeps a copy of the whole database (`demo_database_copy`), and later
    ones put that copy back in milliseconds. The caller allows database access."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from masthead.demo.services import demo_load
    from masthead.news.tests.factories import base_site, ensure_wagtail_roots

    connection.ensure_connection()
    if copy:
        copy[0].backup(connection.connection)
        # A transactional test's emptying of the database made new content types since.
        ContentType.objects.clear_cache()
        base_site.home_id = None
        return
    base_site.drop()  # the demo fills the empty site Wagtail installs
    ensure_wagtail_roots()
    demo_load()
    if connection.vendor == "sqlite":
        database = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(database)
        copy.append(database)


# Masthead's local PayPal sandbox on a free loopback port, settings pointing at it (issue 11).
from masthead.paypal_sandbox.testing import paypal_sandbox  # noqa: E402, F401
