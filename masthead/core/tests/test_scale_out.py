"""Scale-out mode: with REDIS_URL the shared cache is Redis, over a real connection."""

import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings

from masthead.conftest import service_missing
from masthead.core.tests.processes import PROJECT, clean_environment

REDIS_URL = settings.CONFIG.test_redis_url


@pytest.mark.timeout_sensitive  # a process of its own, on a SQLite data folder of its own
def test_redis_url_makes_redis_the_shared_cache(tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing(f"Redis not reachable at {REDIS_URL}: {error}")
    key = f"masthead-test-{uuid.uuid4().hex}"
    environment = clean_environment(MASTHEAD_DATA_DIR=str(tmp_path), REDIS_URL=REDIS_URL)
    script = (
        "from django.core.cache import cache; "
        f"cache.set('{key}', 'shared', 30); "
        "from django.core.cache import caches; print(type(caches['default']).__name__)"
    )

    result = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "shell", "-c", script],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout
    client = redis.Redis.from_url(REDIS_URL)
    stored = [name for name in client.scan_iter(f"*{key}*")]
    assert stored, "the value was not written to Redis"
    client.delete(*stored)


@pytest.mark.postgres
def test_system_checks_pass_on_postgresql(tmp_path):
    import psycopg
    from django.conf import settings

    url = settings.CONFIG.test_database_url
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        service_missing(f"PostgreSQL not reachable at {url}: {error}")
    environment = clean_environment(MASTHEAD_DATA_DIR=str(tmp_path), DATABASE_URL=url)

    result = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
