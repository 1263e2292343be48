"""Where a counted view or ad event goes: Redis when the site has one, else (and while
Redis is down) straight into the count tables.

One reader counts once per page (or ad event) per `DEDUPE_SECONDS`: the first beacon
stores the visitor's hash with an expiry and adds to the counts; later ones find the hash
and add nothing. Both happen in one step, so two beacons at once cannot both count:

- Redis: one Lua script (`SET seen NX EX`, then `HINCRBY` on the live hash), sent by its
  SHA, one round trip per beacon. `flush.py` moves the live hash into the tables.
- Database: one transaction: an upsert into `RecentView` that only takes over an expired
  row, and the count upserts if it did (`tables.add_counts`).

Redis must keep an append-only file (`appendonly yes`, `appendfsync everysec` or
`always`): counts waiting for the next flush live only there (docs/decisions/0011).
"""

from __future__ import annotations

import datetime
import itertools
import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from masthead.analytics import tables
from masthead.core.redis_clients import SharedClient

logger = logging.getLogger(__name__)

DEDUPE_SECONDS = 30 * 60
LIVE_KEY = "masthead:analytics:live"
SEEN_PREFIX = "masthead:analytics:seen:"
BATCH_PREFIX = "masthead:analytics:batch:"
# A beacon waits at most this long for Redis before writing to the database instead.
REDIS_TIMEOUT_SECONDS = 0.5
# After Redis failed to answer it is left alone this long, so a Redis that drops packets
# does not cost every beacon the full timeout.
REDIS_BACKOFF_SECONDS = 5.0

# One call counts every beacon waiting in a worker (see GroupCommit).
# KEYS: each beacon's dedupe key, then the live hash. ARGV[1]: the dedupe window in
# seconds, then for each beacon the number of its hash fields and those fields.
# Returns 1 or 0 per beacon: counted now, or already counted in the window.
COUNT_ONCE_SCRIPT = """
local live = KEYS[#KEYS]
local at = 2
local counted = {}
for i = 1, #KEYS - 1 do
  local fields = tonumber(ARGV[at])
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    for j = at + 1, at + fields do redis.call('HINCRBY', live, ARGV[j], 1) end
    counted[i] = 1
  else
    counted[i] = 0
  end
  at = at + fields + 1
end
return counted
"""

_redis_client = SharedClient(timeout_seconds=REDIS_TIMEOUT_SECONDS)
_redis_skipped_until = 0.0
_script_sha: str | None = None
# The worker's one connection for beacons. Only the sender of a group (GroupCommit) uses
# it, one at a time; a new generation (another REDIS_URL in tests) opens a new one.
_connection = None
_connection_generation = 0
_connection_opened_in = -1


@dataclass(frozen=True)
class Counted:
    """One thing a beacon counts. `kind` is "view" (object_id a page), "impression" or
    "click" (object_id an ad creative); `referrer_domain` only for views."""

    kind: str
    object_id: int
    referrer_domain: str = ""


def hour_of(now: float) -> int:
    return int(now) // 3600 * 3600


def count_once(counted: Counted, *, visitor: str, now: float | None = None) -> bool:
    """Count `counted` unless this visitor's hash was counted for it in the window.
    True if it was counted now. Raises `StorageUnavailable` when neither Redis nor the
    database could store it."""
    now = time.time() if now is None else now
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL and time.monotonic() >= _redis_skipped_until:
        stored = _redis_count_once(counted, visitor=visitor, now=now)
        if stored is not None:
            return stored
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


class GroupCommit:
    """Beacons that arrive in a worker while its Redis call is under way wait, and then
    go together in the next call: one round trip, one script run and one write to
    Redis's append-only file for all of them, instead of one each.

    The first beacon finding no call under way sends at once (alone, on a quiet site:
    no beacon waits for a timer). While it waits for Redis (the GIL released) the
    worker's other threads queue theirs; when its answer is in, each beacon of the group
    is given its own result and the oldest queued one sends the whole queue. A beacon's
    204 still waits for its own result, so nothing is acknowledged before Redis (or the
    database, if Redis failed) holds it. The groups are at most the worker's blocking
    threads (`masthead serve`'s SERVER_BLOCKING_THREADS).
    """

    def __init__(self, send):
        self._send = send  # list of items -> one result per item; a failure is a result
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._sending = False

    def submit(self, item):
        waiting = _Waiting(item)
        with self._lock:
            self._queue.append(waiting)
            leads = not self._sending
            self._sending = True
        if not leads:
            waiting.wake.acquire()  # released with its result, or to send the queue
            if not waiting.leads:
                return waiting.result
        with self._lock:
            group, self._queue = self._queue, []
        results = ()
        try:
            results = self._send([member.item for member in group])
        finally:
            # Even if sending raised: the others are told (None: not stored, so each
            # counts in the database) and the next group gets a sender.
            for member, result in itertools.zip_longest(group, results[: len(group)]):
                member.result = result
                if member is not waiting:
                    member.wake.release()
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].wake.release()
                else:
                    self._sending = False
        return waiting.result

    def queued(self) -> int:
        """How many beacons wait for the next call (tests, diagnostics)."""
        with self._lock:
            return len(self._queue)


class _Waiting:
    __slots__ = ("item", "leads", "result", "wake")

    def __init__(self, item):
        self.item = item
        self.leads = False
        self.result = None
        self.wake = threading.Lock()
        self.wake.acquire()


def _redis_count_once(counted: Counted, *, visitor: str, now: float) -> bool | None:
    return _group_commit.submit((SEEN_PREFIX + visitor, hash_fields(counted, now)))


def _redis_count_group(group: list[tuple[str, list[str]]]) -> list[bool | None]:
    """Count a group of beacons (dedupe key, hash fields) in one script call: for each,
    True if counted now, False if already counted in the window, None if Redis failed."""
    global _redis_skipped_until, _script_sha
    client = redis_client()
    try:
        if _script_sha is None:
            _script_sha = client.script_load(COUNT_ONCE_SCRIPT)
        try:
            counted = _send(client, _script_call(_script_sha, group))
        except redis.exceptions.NoScriptError:
            # A restarted Redis forgot the script: load it again, once.
            _script_sha = client.script_load(COUNT_ONCE_SCRIPT)
            counted = _send(client, _script_call(_script_sha, group))
    except redis.RedisError as error:
        _redis_skipped_until = time.monotonic() + REDIS_BACKOFF_SECONDS
        _script_sha = None
        logger.warning(
            "Analytics: Redis unreachable (%r), counting in the database for %s s", error, REDIS_BACKOFF_SECONDS
        )
        return [None] * len(group)
    return [bool(one) for one in counted]


_group_commit = GroupCommit(_redis_count_group)


def _script_call(script_sha: str, group: list[tuple[str, list[str]]]) -> bytes:
    arguments: list = [DEDUPE_SECONDS]
    for _, fields in group:
        arguments += [len(fields), *fields]
    return _packed(("EVALSHA", script_sha, len(group) + 1, *(key for key, _ in group), LIVE_KEY, *arguments))


def _send(client, packed_command: bytes):
    """One command on the worker's beacon connection, packed here: redis-py's
    per-command wrappers and its pool's lock cost more than the rest of a beacon
    together (46 µs a beacon with them, 25 µs without, measured in one process). A
    failed connection is closed; the next command opens a new one."""
    global _connection, _connection_opened_in
    connection = _connection
    if connection is None or _connection_opened_in != _connection_generation:
        pool = client.connection_pool
        connection = _connection = pool.connection_class(**pool.connection_kwargs)
        _connection_opened_in = _connection_generation
    try:
        connection.send_packed_command([packed_command], check_health=False)
        return connection.read_response()
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        connection.disconnect()
        raise


def _packed(command) -> bytes:
    """A command in the Redis protocol (RESP): an array of bulk strings."""
    parts = [b"*%d\r\n" % len(command)]
    for argument in command:
        data = str(argument).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


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
    global _redis_skipped_until, _script_sha, _connection_generation, _group_commit
    _connection_generation += 1
    _group_commit = GroupCommit(_redis_count_group)
    _redis_client.forget()
    _redis_skipped_until = 0.0
    _script_sha = None
