"""A PostgreSQL run ends by dropping its test database: no browser test leaves a
connection open behind it ("database ... is being accessed by other users")."""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

from masthead.conftest import service_missing
from masthead.core.tests.processes import PROJECT, clean_environment

pytestmark = [pytest.mark.postgres, pytest.mark.browser, pytest.mark.timeout_sensitive]

# Named per run: two test runs on one server (a clean clone's beside a worktree's) must
# not drop each other's database.
CHECK_DATABASE = f"masthead_teardown_check_{os.getpid()}"
# A browser test that reads and writes through the ORM while Playwright runs.
BROWSER_TEST = "masthead/tests/e2e/test_reading.py::test_without_javascript_continue_reading_is_a_plain_link"


def test_a_postgresql_run_with_browser_tests_drops_its_test_database(chromium_path):
    server = settings.CONFIG.test_database_url
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.Error as error:
        service_missing(f"PostgreSQL not reachable at {server}: {error}")
    address = urlsplit(server)
    database_url = urlunsplit(address._replace(path=f"/{CHECK_DATABASE}"))

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", BROWSER_TEST],
        cwd=PROJECT,
        env=clean_environment(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "1 passed" in output
    assert "being accessed by other users" not in output
    with psycopg.connect(server, autocommit=True) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"test_{CHECK_DATABASE}",))
        assert left.fetchone() is None
