"""Fixed-window rate limits: counted in the database without Redis, in Redis with it,
and in the database again while Redis is down; hits from many workers at once add up."""

from __future__ import annotations

import logging
import threading
import time
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase

from masthead.conftest import service_missing
from masthead.core import ratelimit
from masthead.core.models import RateLimitCounter
from masthead.core.tests.processes import free_port

THREADS = 8
HITS_PER_THREAD = 25


@pytest.fixture
def name():
    """A limit of this test's own, so Redis keys of other tests never count."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr("masthead.core.ratelimit.time.time", lambda: now[0])
    return now


@pytest.fixture
def no_redis(settings):
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = ""
    ratelimit.reset_for_tests()
    yield
    ratelimit.reset_for_tests()


@pytest.fixture
def redis_limits(settings, name):
    """Rate limits in the test Redis database; this test's keys are deleted after it."""
    url = django_settings.CONFIG.test_redis_url
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        service_missing(f"Redis not reachable at {url}: {error}")
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = url
    ratelimit.reset_for_tests()
    yield client
    ratelimit.reset_for_tests()
    keys = list(client.scan_iter(match=f"masthead:ratelimit:{name}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_down(settings):
    """Redis configured but unreachable: a port nothing listens on."""
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    ratelimit.reset_for_tests()
    yield
    ratelimit.reset_for_tests()


def allowed(name: str, key: str, times: int, *, limit: int = 5, window_seconds: int = 60) -> int:
    return sum(ratelimit.allow(name, key, limit=limit, window_seconds=window_seconds) for _ in range(times))


def hit_from_threads(name: str, key: str, *, limit: int, database=None) -> tuple[int, list[Exception]]:
    """THREADS workers hitting one key at the same moment; how many hits got through.
    `database` makes each worker's own connection to it (otherwise the test database's)."""
    start = threading.Barrier(THREADS)
    results: list[bool] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker():
        try:
            if database is not None:
                connections["default"] = database()
            start.wait()
            mine = [ratelimit.allow(name, key, limit=limit, window_seconds=3600) for _ in range(HITS_PER_THREAD)]
            with lock:
                results.extend(mine)
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) + len(errors) == THREADS * HITS_PER_THREAD or errors
    return sum(results), errors


def counted_hits(database=None) -> list[int]:
    if database is None:
        return list(RateLimitCounter.objects.values_list("hits", flat=True))
    reader = database()
    try:
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT hits FROM {RateLimitCounter._meta.db_table}")  # noqa: S608 (the model's own table)
            return [row[0] for row in cursor.fetchall()]
    finally:
        reader.close()


# In the database.


@pytest.mark.django_db
def test_the_database_lets_the_limit_through_and_refuses_the_rest(no_redis, name, clock):
    assert allowed(name, "203.0.113.1", 8, limit=5) == 5
    assert ratelimit.hits(name, "203.0.113.1", window_seconds=60) == 9
    assert RateLimitCounter.objects.get().hits == 9


@pytest.mark.django_db
def test_keys_and_limits_are_counted_apart(no_redis, name, clock):
    assert allowed(name, "203.0.113.1", 6) == 5
    assert allowed(name, "203.0.113.2", 6) == 5
    assert allowed(name + "-other", "203.0.113.1", 6) == 5


@pytest.mark.django_db
def test_a_new_window_starts_from_zero(no_redis, name, clock):
    clock[0] = 1_800_000_000 // 60 * 60 + 59.5
    assert allowed(name, "203.0.113.1", 6) == 5
    clock[0] += 1
    assert allowed(name, "203.0.113.1", 6) == 5


def test_a_refusal_says_how_long_until_the_window_ends(clock):
    clock[0] = 1_800_000_000 // 60 * 60 + 45.5
    assert ratelimit.retry_after(60) == 15
    assert ratelimit.retry_after(3600) == 3600 - (1_800_000_000 // 60 * 60 + 45) % 3600


@pytest.mark.django_db
def test_the_table_holds_no_address_in_clear(no_redis, name, clock):
    # Letters a hex digest never holds: "ada" turned up in one by chance and failed a run.
    ratelimit.allow(name, "quinn@example.org", limit=1, window_seconds=60)
    bucket = RateLimitCounter.objects.get().bucket
    assert bucket.startswith(f"{name}:") and "quinn" not in bucket and "example" not in bucket


@pytest.mark.django_db
def test_ended_windows_are_forgotten_and_current_ones_kept(no_redis, name, clock):
    ratelimit.allow(name, "old", limit=1, window_seconds=60)
    clock[0] += 3600
    ratelimit.allow(name, "new", limit=1, window_seconds=60)
    assert ratelimit.forget_expired() == 1
    assert RateLimitCounter.objects.count() == 1
    assert allowed(name, "new", 2, limit=1) == 0  # the current window still counts


@pytest.fixture
def workers_database(transactional_db, tmp_path):
    """What concurrent workers count in, as `masthead serve` runs them. On PostgreSQL the
    test database. On SQLite a file with the site's own options (WAL, IMMEDIATE, busy
    timeout): the test run's in-memory database is shared-cache, whose writers fail at
    once ("database table is locked") instead of waiting their turn as on a file."""
    if connection.vendor != "sqlite":
        yield None
        return
    options = {**django_settings.DATABASES["default"], "NAME": str(tmp_path / "workers.sqlite3")}

    def database():
        return SQLiteDatabase(options, alias="default")

    schema = database()
    with schema.schema_editor() as editor:
        editor.create_model(RateLimitCounter)
    schema.close()
    yield database


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_in_the_database_add_up(no_redis, name, workers_database):
    """Every worker's hit counts: none is lost to a race between reading and writing."""
    passed, errors = hit_from_threads(name, "198.51.100.9", limit=50, database=workers_database)
    assert errors == []
    assert passed == 50
    assert counted_hits(workers_database) == [THREADS * HITS_PER_THREAD]


# In Redis.


@pytest.mark.django_db
@pytest.mark.redis
def test_redis_lets_the_limit_through_and_refuses_the_rest(redis_limits, name, clock):
    assert allowed(name, "203.0.113.1", 8, limit=5) == 5
    assert allowed(name, "203.0.113.2", 2, limit=5) == 2
    assert not RateLimitCounter.objects.exists()  # nothing in the database while Redis answers
    [key, *_] = redis_limits.scan_iter(match=f"masthead:ratelimit:{name}:*")
    assert b"203.0.113" not in key
    assert 0 < redis_limits.ttl(key) <= 61  # Redis forgets the window by itself


@pytest.mark.django_db
def test_seen_tells_the_count_without_adding_to_it(no_redis, name, clock):
    assert ratelimit.seen(name, "203.0.113.1", window_seconds=60) == 0
    allowed(name, "203.0.113.1", 3)
    assert [ratelimit.seen(name, "203.0.113.1", window_seconds=60) for _ in range(2)] == [3, 3]
    clock[0] += 60
    assert ratelimit.seen(name, "203.0.113.1", window_seconds=60) == 0


@pytest.mark.django_db
@pytest.mark.redis
def test_seen_tells_the_count_in_redis_without_adding_to_it(redis_limits, name, clock):
    allowed(name, "203.0.113.1", 3)
    assert [ratelimit.seen(name, "203.0.113.1", window_seconds=60) for _ in range(2)] == [3, 3]
    assert ratelimit.seen(name, "203.0.113.2", window_seconds=60) == 0


@pytest.mark.django_db
@pytest.mark.redis
def test_a_new_window_starts_from_zero_in_redis(redis_limits, name, clock):
    assert allowed(name, "203.0.113.1", 6) == 5
    clock[0] += 60
    assert allowed(name, "203.0.113.1", 6) == 5


@pytest.mark.django_db
@pytest.mark.redis
def test_concurrent_hits_in_redis_add_up(redis_limits, name):
    passed, errors = hit_from_threads(name, "198.51.100.9", limit=50)
    assert errors == []
    assert passed == 50
    assert ratelimit.hits(name, "198.51.100.9", window_seconds=3600) == THREADS * HITS_PER_THREAD + 1


@pytest.mark.django_db
@pytest.mark.redis
def test_workers_starting_at_once_share_one_redis_client(redis_limits, name, monkeypatch):
    """Found by CI on a busy machine: threads that all found no client each made one, and
    the ones replaced were garbage-collected, closing their pool's connections under the
    threads still using them; those hits fell back to the database."""
    made = []
    make_client = redis.Redis.from_url

    def slow_from_url(*args, **kwargs):
        time.sleep(0.2)  # a busy machine: long enough for every thread to find no client
        client = make_client(*args, **kwargs)
        made.append(client)
        return client

    monkeypatch.setattr(redis.Redis, "from_url", slow_from_url)
    passed, errors = hit_from_threads(name, "198.51.100.10", limit=THREADS * HITS_PER_THREAD)
    assert errors == []
    assert passed == THREADS * HITS_PER_THREAD
    assert len(made) == 1
    assert not RateLimitCounter.objects.exists()  # every hit was counted in Redis


# Redis down.


@pytest.mark.django_db
def test_with_redis_down_the_database_still_limits(redis_down, name, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="masthead.core.ratelimit"):
        assert allowed(name, "203.0.113.1", 8, limit=5) == 5
    assert RateLimitCounter.objects.get().hits == 8
    assert "Redis unreachable" in caplog.text


@pytest.mark.django_db
def test_with_redis_down_it_is_asked_once_then_left_alone_for_a_while(redis_down, name, monkeypatch):
    """A Redis that drops packets costs one connect timeout, not one per request."""
    attempts = []
    real = ratelimit._redis_hits
    monkeypatch.setattr(ratelimit, "_redis_hits", lambda *args: attempts.append(args) or real(*args))
    assert allowed(name, "203.0.113.2", 8, limit=5) == 5
    assert len(attempts) == 1
    later = time.monotonic() + ratelimit.REDIS_BACKOFF_SECONDS + 1
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: later)
    allowed(name, "203.0.113.2", 1)
    assert len(attempts) == 2
