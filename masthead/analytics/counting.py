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

import contextlib
import datetime
import fcntl
import itertools
import logging
import os
import threading
import time
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from masthead.analytics import tables, visitors
from masthead.core.redis_clients import SharedClient

logger = logging.getLogger(__name__)

DEDUPE_SECONDS = 30 * 60
LIVE_KEY = "masthead:analytics:live"
SEEN_PREFIX = "masthead:analytics:seen:"
BATCH_PREFIX = "masthead:analytics:batch:"
# The names of the batches moved out of the live hash and not yet applied (flush.py).
BATCHES_KEY = "masthead:analytics:batches"
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
    if connection.vendor == "sqlite":
        result = _sqlite_group.submit((counted, visitor, now))
        if isinstance(result, bool):
            return result
        raise result if isinstance(result, StorageUnavailable) else StorageUnavailable("the group's write failed")
    return _database_count_once_now(counted, visitor=visitor, now=now)


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
# 100 ms, and a commit is a good part of a beacon's write. So on SQLite a worker's
# beacons go in groups (GroupCommit: those that arrive while one group is written go in
# the next transaction together), and the workers' groups queue on a lock file beside
# the database, each woken the moment the one before is done. With one transaction a
# beacon, queued per worker at SQLite's own lock, the bench saw 700-735 beacons/s and a
# p99 of 600 ms on a 2-core machine (decision 0011). Other databases take concurrent
# writers, one transaction a beacon.
class SqliteWriters:
    """Writers' turns at SQLite across processes: `lock_path` is the lock file, beside
    the database's file unless given."""

    def __init__(self, lock_path: str | None = None):
        self.lock_path = lock_path
        self.threads = threading.Lock()
        self.fd: int | None = None
        self.opened = False
        os.register_at_fork(after_in_child=self._forget_the_parents)

    def _forget_the_parents(self) -> None:
        """A forked worker has its own lock and descriptor: a flock belongs to the open
        file, which a fork shares (the child would hold the parent's turn), and the
        thread lock may have been held by a parent's thread that the child does not
        have."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # the parent's own descriptor keeps its lock
        self.threads = threading.Lock()
        self.fd, self.opened = None, False

    @contextlib.contextmanager
    def turn(self):
        with self.threads:
            if not self.opened:
                path = self.lock_path or _beside_the_database()
                self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600) if path else None
                self.opened = True
            if self.fd is None:  # an in-memory database (the tests'): one process only
                yield
                return
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)


def _beside_the_database() -> str | None:
    name = str(connection.settings_dict["NAME"] or "")
    if not name or ":memory:" in name or "mode=memory" in name:
        return None
    return f"{name}-beacon-writers.lock"


class GroupCommit:
    """Items that arrive in a worker while a group is being written wait, and then go
    together in the next write: one transaction and one commit for all of them.

    The first item finding no write under way is written at once (alone, on a quiet
    site: nothing waits for a timer). While it is written (the GIL released) the
    worker's other threads queue theirs; when it is done, each item of the group gets
    its own result and the oldest queued one writes the whole queue. A beacon's 204
    still waits for its own result, so nothing is acknowledged before it is stored.
    Groups are at most the worker's blocking threads.
    """

    def __init__(self, write):
        self._write = write  # list of items -> one result per item; a failure is a result
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._writing = False

    def submit(self, item):
        waiting = _Waiting(item)
        with self._lock:
            self._queue.append(waiting)
            leads = not self._writing
            self._writing = True
        if not leads:
            waiting.wake.acquire()  # released with its result, or to write the queue
            if not waiting.leads:
                return waiting.result
        with self._lock:
            group, self._queue = self._queue, []
        results = ()
        try:
            results = self._write([member.item for member in group])
        finally:
            # Even if the write raised: the others are told (None: not stored) and the
            # next group gets a writer.
            for member, result in itertools.zip_longest(group, results[: len(group)]):
                member.result = result
                if member is not waiting:
                    member.wake.release()
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].wake.release()
                else:
                    self._writing = False
        return waiting.result


class _Waiting:
    __slots__ = ("item", "leads", "result", "wake")

    def __init__(self, item):
        self.item = item
        self.leads = False
        self.result = None
        self.wake = threading.Lock()
        self.wake.acquire()


def _write_sqlite_group(events: list[tuple[Counted, str, float]]) -> list:
    try:
        with _sqlite_writers.turn():
            return _database_claim_and_count(events)
    except StorageUnavailable as error:
        return [error] * len(events)


_sqlite_writers = SqliteWriters()
_sqlite_group = GroupCommit(_write_sqlite_group)


def _new_group_in_a_forked_worker() -> None:
    global _sqlite_group
    _sqlite_group = GroupCommit(_write_sqlite_group)


os.register_at_fork(after_in_child=_new_group_in_a_forked_worker)


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
        with _sqlite_writers.turn():
            return sum(_database_claim_and_count(events))
    return sum(_database_claim_and_count(events))


def _database_claim_and_count(events: list[tuple[Counted, str, float]]) -> list[bool]:
    """Whether each event was counted now (not within its visitor's window)."""
    try:
        with transaction.atomic():
            claimed = [_claim_recent_view(visitor, now) for _, visitor, now in events]
            tables.add_counts(
                tables.Batch.of_events([(one, now) for (one, _, now), new in zip(events, claimed, strict=True) if new])
            )
            return claimed
    except IntegrityError:
        # A page or creative deleted since its beacon: one at a time, so only its own
        # counts are dropped.
        return [_database_count_once_now(one, visitor=visitor, now=now) for one, visitor, now in events]
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        raise StorageUnavailable(str(error)) from error


def _claim_recent_view(visitor: str, now: float) -> bool:
    """Remember the visitor for the window; False if an unexpired row already does (or,
    in the first half hour of a day, one for the hash made with yesterday's salt)."""
    from masthead.analytics.models import RecentView

    visitor, _, earlier = visitor.partition(visitors.EARLIER)
    table = connection.ops.quote_name(RecentView._meta.db_table)
    key, expires_at = connection.ops.quote_name("key"), connection.ops.quote_name("expires_at")
    current = connection.ops.adapt_datetimefield_value(datetime.datetime.fromtimestamp(now, datetime.UTC))
    if earlier:
        seen = f"SELECT 1 FROM {table} WHERE {key} = %s AND {expires_at} > %s"  # noqa: S608 (the model's own table)
        with connection.cursor() as cursor:
            cursor.execute(seen, [earlier, current])
            if cursor.fetchone() is not None:
                return False
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
