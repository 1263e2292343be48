"""`make test` runs its SQLite and PostgreSQL passes at the same time, so nothing one
pass empties may be the other's."""

import os
import re
import shutil
import subprocess

import pytest

from masthead.core.tests.processes import PROJECT

REDIS_URL_GIVEN = re.compile(r'MASTHEAD_TEST_REDIS_URL="([^"]+)"')


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_two_passes_empty_different_redis_databases():
    # A failure it prevents: the analytics tests of one pass flushed (and deleted) the
    # batch keys the other pass's test had just checked were left in Redis.
    environ = {name: value for name, value in os.environ.items() if not name.startswith("MASTHEAD_TEST_REDIS")}
    planned = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "test-sqlite", "test-postgres"],
        cwd=PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    urls = REDIS_URL_GIVEN.findall(planned)
    assert len(urls) == 2, planned
    assert urls[0] != urls[1]
