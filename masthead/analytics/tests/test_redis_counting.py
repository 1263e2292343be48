"""With REDIS_URL: beacons are spooled, shipped to Redis and counted there, the flush
moves counts to the tables once and only once, and a Redis that is down sends the
spooled beacons to the database instead."""

from __future__ import annotations

import pytest
import redis

from masthead.analytics import counting, flush, spool
from masthead.analytics.models import AppliedBatch, PageViewsHourly, PageViewTotal, ReferrerDaily, SiteViewsDaily
from masthead.core.tests.processes import RedisServer
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(site_tree):
    return [make_article(site_tree.sections["news"]) for _ in range(2)]


def totals(*pages) -> list[int]:
    found = dict(PageViewTotal.objects.values_list("page_id", "views"))
    return [found.get(page.pk, 0) for page in pages]


def test_beacons_wait_in_redis_until_the_flush(beacons, redis_counts, articles):
    first, second = articles
    beacons.view(first.pk, body_extra="&ref=https%3A%2F%2Fsearch.example%2F")
    beacons.view(first.pk, address="198.51.100.4")
    beacons.view(second.pk)
    assert not redis_counts.exists(counting.LIVE_KEY)  # in the spool
    assert spool.ship_now() > 0
    assert not PageViewTotal.objects.exists()
    assert redis_counts.exists(counting.LIVE_KEY)
    assert flush.flush_counts() == 1
    assert totals(first, second) == [2, 1]
    assert sum(PageViewsHourly.objects.values_list("views", flat=True)) == 3
    assert SiteViewsDaily.objects.get().views == 3
    assert ReferrerDaily.objects.get().domain == "search.example"
    assert not list(redis_counts.scan_iter(match="masthead:analytics:batch:*"))
    assert not redis_counts.exists(counting.BATCHES_KEY)


def test_a_referrer_with_an_international_name_is_counted_under_its_ascii_form(beacons, redis_counts, articles):
    """Its letters passed the beacon's check but not the Redis script's: the beacon was
    answered 204 and its view never counted."""
    first, second = articles
    beacons.view(first.pk, body_extra="&ref=http%3A%2F%2Fb%C3%BCcher.example%2F")
    beacons.view(second.pk)
    spool.ship_now()
    flush.flush_counts()
    assert totals(first, second) == [1, 1]
    assert ReferrerDaily.objects.get().domain == "xn--bcher-kva.example"


def test_the_dedupe_window_is_thirty_minutes_in_redis(beacons, redis_counts, articles):
    first, _ = articles
    beacons.view(first.pk)
    beacons.view(first.pk)
    spool.ship_now()
    (seen,) = redis_counts.scan_iter(match=counting.SEEN_PREFIX + "*")
    assert 1790 <= redis_counts.ttl(seen) <= 1800
    redis_counts.delete(seen)  # what Redis does when the 30 minutes are over
    beacons.view(first.pk)
    flush.flush_counts()
    assert totals(first) == [2]


def test_a_reader_reading_across_midnight_is_counted_once_in_redis(beacons, redis_counts, articles, monkeypatch):
    """Yesterday's hash goes in the spool's line in a day's first half hour, and the Redis
    script checks it; the same for the database while Redis is away (test_spool)."""
    import datetime

    first, second = articles
    midnight = datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC).timestamp()
    now = [midnight - 5 * 60]
    monkeypatch.setattr("masthead.analytics.beacon.time.time", lambda: now[0])
    beacons.view(first.pk)
    spool.ship_now()
    now[0] = midnight + 5 * 60
    beacons.view(first.pk)  # the reload, under the new day's salt
    beacons.view(second.pk)
    spool.ship_now()
    flush.flush_counts()
    assert totals(first, second) == [1, 1]
    now[0] = midnight + 26 * 60  # the 23:55 window is over
    beacons.view(first.pk)
    spool.ship_now()
    flush.flush_counts()
    assert totals(first, second) == [2, 1]


def test_a_flush_run_twice_counts_once(beacons, redis_counts, articles):
    first, _ = articles
    beacons.view(first.pk)
    assert flush.flush_counts() == 1
    assert flush.flush_counts() == 0
    assert totals(first) == [1]


def test_a_flush_that_crashed_after_its_commit_is_not_counted_again(beacons, redis_counts, articles, monkeypatch):
    first, second = articles
    beacons.view(first.pk)

    def crash(batch_key):
        raise RuntimeError("killed between the commit and the key's deletion")

    monkeypatch.setattr(flush, "after_commit_before_delete", crash)
    with pytest.raises(RuntimeError):
        flush.flush_counts()
    assert totals(first) == [1] and AppliedBatch.objects.count() == 1
    assert len(list(redis_counts.scan_iter(match="masthead:analytics:batch:*"))) == 1  # still in Redis
    monkeypatch.undo()
    beacons.view(second.pk)
    assert flush.flush_counts() == 1  # only the new batch is applied; the old one is deleted
    assert totals(first, second) == [1, 1]
    assert not list(redis_counts.scan_iter(match="masthead:analytics:batch:*"))
    assert not redis_counts.exists(counting.BATCHES_KEY)


def test_a_flush_that_crashed_before_its_commit_applies_the_batch_next_time(
    beacons, redis_counts, articles, monkeypatch
):
    first, _ = articles
    beacons.view(first.pk)
    real_add_counts = flush.tables.add_counts

    def crash(batch):
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr(flush.tables, "add_counts", crash)
    with pytest.raises(RuntimeError):
        flush.flush_counts()
    assert totals(first) == [0] and not AppliedBatch.objects.exists()
    monkeypatch.setattr(flush.tables, "add_counts", real_add_counts)
    assert flush.flush_counts() == 1
    assert totals(first) == [1]


def test_a_flush_does_not_walk_the_readers_dedupe_keys(beacons, articles, settings, tmp_path):
    """Redis holds a dedupe key per reader per page for 30 minutes, millions on a busy
    day; a flush every 10 s that SCANned them for its batches took almost half of
    redis-server's CPU in the beacon bench. A Redis of the test's own: its command
    counts are the flush's alone."""
    first, _ = articles
    server = RedisServer(tmp_path / "redis").start()
    client = redis.Redis.from_url(server.url)
    try:
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = server.url
        counting.reset_for_tests()
        for n in range(50):
            beacons.view(first.pk, address=f"198.51.100.{n}")
        assert flush.flush_counts() == 1  # a process's first flush looks once for older batches
        client.config_resetstat()
        beacons.view(first.pk, address="203.0.113.50")
        assert flush.flush_counts() == 1
        assert flush.flush_counts() == 0
        commands = client.info("commandstats")
        assert "cmdstat_scan" not in commands and "cmdstat_keys" not in commands
        assert totals(first) == [51]
    finally:
        client.close()
        server.stop(keep_data=False)


def test_a_batch_left_by_a_flush_from_before_the_set_of_batches_is_applied_once(redis_counts, articles):
    """An older version found its batches by SCAN: a batch its crashed flush left is in
    no set. The first flush of a process looks for such batches once."""
    first, _ = articles
    hour = 1_764_849_600  # 2025-12-04 12:00 UTC
    redis_counts.hset(counting.BATCH_PREFIX + "left-by-an-older-version", f"view|{first.pk}|{hour}", 3)
    assert flush.flush_counts() == 1
    assert flush.flush_counts() == 0
    assert totals(first) == [3]
    assert not redis_counts.exists(counting.BATCH_PREFIX + "left-by-an-older-version", counting.BATCHES_KEY)


def test_counts_of_a_page_deleted_before_the_flush_are_dropped(beacons, redis_counts, articles):
    first, second = articles
    beacons.view(first.pk)
    beacons.view(second.pk)
    second.delete()
    assert flush.flush_counts() == 1
    assert list(PageViewTotal.objects.values_list("page_id", "views")) == [(first.pk, 1)]


def test_with_redis_down_beacons_count_in_the_database(beacons, articles, settings, tmp_path):
    first, second = articles
    server = RedisServer(tmp_path / "redis").start()
    try:
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = server.url
        counting.reset_for_tests()
        beacons.view(first.pk)
        spool.ship_now()
        assert totals(first) == [0]  # in Redis
        server.stop()
        beacons.view(second.pk)
        spool.ship_now()  # Redis refuses: straight into the tables
        assert totals(second) == [1]
        beacons.view(second.pk)
        spool.ship_now()  # the database's own dedupe holds while Redis is away
        assert totals(second) == [1]
        server.start()  # with its data: the first view is still waiting there
        spool._this_process().redis_skipped_until = 0.0  # the back-off is over
        beacons.view(first.pk, address="198.51.100.4")
        assert flush.flush_counts() == 1
        assert totals(first, second) == [2, 1]
        assert not list(spool.directory().glob("*.spool.shipped")) or all(
            spool._read_shipped(path) == path.stat().st_size for path in spool.directory().glob("*.spool")
        )
    finally:
        server.stop(keep_data=False)


def test_a_shipper_finding_redis_down_leaves_it_alone_for_a_while(beacons, articles, settings, tmp_path, monkeypatch):
    """After one failure the worker ships to the database without trying Redis again."""
    first, second = articles
    server = RedisServer(tmp_path / "redis")  # never started: nothing listens on its port
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = server.url
    calls = []
    real = spool._to_redis
    monkeypatch.setattr(spool, "_to_redis", lambda *a, **k: calls.append(1) or real(*a, **k))
    beacons.view(first.pk)
    spool.ship_now()
    beacons.view(second.pk)
    spool.ship_now()
    assert len(calls) == 1
    assert totals(first, second) == [1, 1]
