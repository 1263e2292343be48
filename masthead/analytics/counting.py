"""Where a counted view or ad event goes: without Redis straight into the count tables;
with Redis, through the worker's spool (spool.py), which ships to Redis and, while Redis
is down, comes back here.

One reader counts once per page (or ad event) per `DEDUPE_SECONDS`: the first beacon
stores the visitor's hash with an expiry and adds to the counts; later ones find the hash
and add nothing. Both happen in one step, so two beacons at once cannot both count:

- Redis: the spool's Lua script (a visitor key holding the window's end, then `HINCRBY`
  on the live hash). `flush.py` moves the live hash into the tables.
- Database: one transaction: an upsert into `RecentView` that only takes over an expired
  row, and the count upserts if it did (`tables.add_counts`).

Redis must keep an append-only file (`appendonly yes`, `appendfsync everysec` or
`always`): counts waiting for the next flush live only there (docs/decisions/0011).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from masthead.analytics import tables
from masthead.core.redis_clients import SharedClient

logger = logging.getLogger(__name__)

DEDUPE_SECONDS = 30 * 60
LIVE_KEY = "masthead:analytics:live"
SEEN_PREFIX = "masthead:analytics:seen:"
BATCH_PREFIX = "masthead:analytics:batch:"
# Connecting to Redis takes at most this long before the spool's lines go elsewhere.
REDIS_TIMEOUT_SECONDS = 0.5
# After Redis refused a connection it is left alone this long, so a Redis that drops
# packets does not cost every shipment the full timeout.
REDIS_BACKOFF_SECONDS = 5.0

_redis_client = SharedClient(timeout_seconds=REDIS_TIMEOUT_SECONDS)


class Counted(NamedTuple):
    """One thing a beacon counts. `kind` is "view" (object_id a page), "impression" or
    "click" (object_id an ad creative); `referrer_domain` only for views. (A tuple, not
    a frozen dataclass: made once per beacon, and the dataclass's checked setting of each
    field was a tenth of a beacon's time.)"""

    kind: str
    object_id: int
    referrer_domain: str = ""


def hour_of(now: float) -> int:
    return int(now) // 3600 * 3600


def count_once(counted: Counted, *, visitor: str, now: float | None = None) -> bool:
    """Count `counted` in the tables unless this visitor's hash was counted for it in
    the window; True if it was counted now. Raises `StorageUnavailable` when the
    database could not store it. (With Redis, beacons go through the spool instead.)"""
    now = time.time() if now is None else now
    return _database_count_once(counted, visitor=visitor, now=now)


class StorageUnavailable(Exception):
    pass


def hash_fields(counted: Counted, now: float) -> list[str]:
    """The live hash's fields for one event: `<kind>|<id>|<hour>` and, for a view from
    another site, `ref|<id>|<hour>|<domain>` (the flush turns hours into days)."""
    hour = hour_of(now)
    fields = [f"{counted.kind}|{counted.object_id}|{hour}"]
    if counted.kind == "view" and counted.referrer_domain:
        fields.append(f"ref|{counted.object_id}|{hour}|{counted.referrer_domain}")
    return fields


def redis_client():
    return _redis_client.get(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)


# SQLite takes one writer at a time and makes the others retry after sleeps of up to
# 100 ms: a worker's beacon threads queue here instead, in order and without sleeping, so
# only the workers (not every thread) meet at SQLite's lock (p99 about 1 s with 8 threads
# a worker without this). Other databases take concurrent writers.
_sqlite_writes = threading.Lock()


def _database_count_once(counted: Counted, *, visitor: str, now: float) -> bool:
    if connection.vendor == "sqlite":
        with _sqlite_writes:
            return _database_count_once_now(counted, visitor=visitor, now=now)
    return _database_count_once_now(counted, visitor=visitor, now=now)


def _database_count_once_now(counted: Counted, *, visitor: str, now: float) -> bool:
    try:
        with transaction.atomic():
            if not _claim_recent_view(visitor, now):
                return False
            tables.add_counts(tables.Batch.of_events([(counted, now)]))
            return True
    except IntegrityError:
        # The page or creative was deleted since the beacon's check: nothing to count.
        return False
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        raise StorageUnavailable(str(error)) from error


def database_count_each(events: list[tuple[Counted, str, float]]) -> int:
    """Count (counted, visitor, time) events in the database in one transaction, each
    once per visitor in the window; returns how many counted. Raises
    `StorageUnavailable` if the database is down (the spool keeps them meanwhile)."""
    if connection.vendor == "sqlite":
        with _sqlite_writes:
            return _database_count_each_now(events)
    return _database_count_each_now(events)


def _database_count_each_now(events: list[tuple[Counted, str, float]]) -> int:
    try:
        with transaction.atomic():
            counted = [(one, now) for one, visitor, now in events if _claim_recent_view(visitor, now)]
            tables.add_counts(tables.Batch.of_events(counted))
            return len(counted)
    except IntegrityError:
        # A page or creative deleted since its beacon: one at a time, so only its own
        # counts are dropped.
        return sum(_database_count_once_now(one, visitor=visitor, now=now) for one, visitor, now in events)
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        raise StorageUnavailable(str(error)) from error


def _claim_recent_view(visitor: str, now: float) -> bool:
    """Remember the visitor for the window; False if an unexpired row already does."""
    from masthead.analytics.models import RecentView

    table = connection.ops.quote_name(RecentView._meta.db_table)
    key, expires_at = connection.ops.quote_name("key"), connection.ops.quote_name("expires_at")
    current = connection.ops.adapt_datetimefield_value(datetime.datetime.fromtimestamp(now, datetime.UTC))
    expires = connection.ops.adapt_datetimefield_value(
        datetime.datetime.fromtimestamp(now + DEDUPE_SECONDS, datetime.UTC)
    )
    # The row is taken over only once expired; RETURNING says whether it was written.
    claim = (
        f"INSERT INTO {table} ({key}, {expires_at}) VALUES (%s, %s) "  # noqa: S608 (the model's own table)
        f"ON CONFLICT ({key}) DO UPDATE SET {expires_at} = excluded.{expires_at} "
        f"WHERE {table}.{expires_at} <= %s RETURNING {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(claim, [visitor, expires, current])
        return cursor.fetchone() is not None


def forget_expired_views(now: float | None = None) -> int:
    """Delete dedupe rows whose window is over (a periodic job)."""
    from masthead.analytics.models import RecentView

    moment = datetime.datetime.fromtimestamp(time.time() if now is None else now, datetime.UTC)
    deleted, _ = RecentView.objects.filter(expires_at__lte=moment).delete()
    return deleted


def reset_for_tests() -> None:
    _redis_client.forget()
