"""With REDIS_URL: a beacon is acknowledged once it is in its worker's spool file, and a
thread of the worker ships the spool to Redis in batches (docs/decisions/0015).

Before the spool every beacon waited for its group's Redis call (counting.GroupCommit):
a socket round trip and a sleep and wake of its thread, which cost more than the rest of
the beacon. Now the beacon appends one line to a file with one `os.write` and answers
204; the line is then in the kernel's page cache, so it outlives a Redis restart and a
crash of the worker (not a crash of the machine, like Redis's `appendfsync everysec`).

A line: `<ms since epoch> <visitor hash> <kind> <object id> <referrer domain or "">\n`.
No address or user agent, only the day's salted hash (visitors.py).

Files. Each thread of a worker writes its own file (`beacons-<pid>-<n>-<token>.spool`
in MASTHEAD_ANALYTICS_SPOOL_DIR), so writers never wait for each other; the owner holds
an exclusive `flock` on it while the process lives. Beside it `<file>.shipped` holds the
offset shipped so far. Once shipped past `ROTATE_BYTES`, or `ROTATE_SECONDS` after it
was opened, a file is retired (its writer opens a new one), drained and deleted, so
spools stay small and are gone before the kernel would write them to disk.

Shipping is idempotent. One Lua call takes a segment `[start, end)` of each file and
counts it with the same one-view-per-window dedupe as before (a visitor key holding the
end of the window in the beacons' own time, then `HINCRBY` on the live hash), and
records `shipped:<file>:<start> = end`. A segment shipped again (the worker died before
writing its offset, an adopter starts from an old one) finds its marker: nothing is
counted and the shipper moves on to the recorded end. Every shipper starts at a
recorded end or 0, so segments never overlap.

Redis down: a call refused before it was sent sends the segments to the database
(RecentView dedupe, `tables.add_counts`), as beacons did before, and Redis is left alone
for `REDIS_BACKOFF_SECONDS`. A call sent and never answered may have been counted: the
shipper asks Redis again until it answers (its marker tells), for at most
`UNANSWERED_GIVE_UP_SECONDS`. Both stores down: the spool keeps the lines until one is
back.

Orphans. A file whose flock can be taken belongs to a dead process (the kernel dropped
its lock): a live worker's shipper (every `ADOPT_SECONDS`) or the flush job adopts it,
ships it to its last whole line (a line without its newline is a write the crash cut
short), and deletes it.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import itertools
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings

from masthead.analytics import counting, visitors

logger = logging.getLogger(__name__)

SPOOL_SUFFIX = ".spool"
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
MAKING_SUFFIX = ".making"  # a spool being made, before it is locked and renamed
SHIPPED_SUFFIX = ".shipped"
ROTATE_BYTES = 4 * 1024 * 1024
# ... or once this old. The kernel writes a file's changes to disk after they have been
# in memory for 30 s (vm.dirty_expire_centisecs): a spool deleted before then never
# reaches the disk at all. At 16,000 beacons/s a worker thread's file took a minute to
# reach ROTATE_BYTES, and the kernel's writeback of spools cost about 8 µs a beacon.
ROTATE_SECONDS = 10.0
# At most this much goes in one Redis call (about 800 beacons, a few ms of Lua).
SEGMENT_BYTES = 64 * 1024
# The shipper's sleep after a round that caught up: lines gather meanwhile, so a busy
# worker makes about 20 calls a second whatever its rate (each beacon's share of a call
# shrinks as the rate grows), and an idle one wakes 20 times a second. A count reaches
# Redis this much after its beacon, plus the call. Each round's system calls hand the
# worker's GIL to its request threads and back: at 10 ms (100 rounds a second) the
# beacons' rate was 15-25% lower than at 50 ms in A/B runs (decision 0015).
IDLE_SECONDS = 0.05
ADOPT_SECONDS = 10.0
ABANDONED_MAKING_SECONDS = 60.0
MARKER_PREFIX = "masthead:analytics:shipped:"
MARKER_SECONDS = 7 * 86_400  # far longer than any spool waits to be shipped
REDIS_BACKOFF_SECONDS = counting.REDIS_BACKOFF_SECONDS
# No reader waits for the shipper: it can give Redis time to answer a large segment.
REDIS_ANSWER_SECONDS = 5.0
# A call sent whose answer never came may have been counted: until Redis answers again
# (its marker tells), nothing goes to the database, unless Redis stays away this long.
UNANSWERED_RETRY_SECONDS = 0.25
UNANSWERED_GIVE_UP_SECONDS = 60.0
LONGEST_LINE = 400  # a 253-character referrer domain and the rest
DATABASE_CHUNK = 500  # lines per transaction when Redis is down

# KEYS: the live hash, then one marker per segment. ARGV[1]: the dedupe window in ms,
# then for each segment its end offset and its lines, then the markers' lifetime in s.
# Returns, per segment, two numbers: 1 and how many lines counted, or 0 and the end
# recorded by the shipper that counted it.
#
# A visitor's key holds when its window ends, in the beacons' own time, and lives in
# Redis at least a window past now: the dedupe is judged on when beacons came, however
# late they are shipped (a spool kept while Redis was down, an orphan adopted later).
SHIP_SCRIPT = r"""
local live = KEYS[1]
local window = tonumber(ARGV[1])
local clock = redis.call('TIME')
local keep_until = tonumber(clock[1]) * 1000 + window
local results = {}
local counts = {}
for s = 2, #KEYS do
  local done = redis.call('GET', KEYS[s])
  if done then
    results[#results + 1] = 0
    results[#results + 1] = tonumber(done)
  else
    local counted = 0
    for line in string.gmatch(ARGV[2 * s - 1], '([^\n]*)\n') do
      local ms, visitor, earlier, kind, id, domain =
        string.match(line, '^(%d+) (%x+)%+?(%x*) (%l+) (%d+) ([%w%-%._:%[%]]*)$')
      if ms and #visitor == 32 and (#earlier == 0 or #earlier == 32)
          and (kind == 'view' or kind == 'impression' or kind == 'click') then
        local at = tonumber(ms)
        local fresh = false
        -- In the first half hour of a day, the hash made with yesterday's salt: a window
        -- it opened before midnight still holds.
        local seen_before = #earlier == 32 and redis.call('GET', 'masthead:analytics:seen:' .. earlier)
        if not (seen_before and tonumber(seen_before) > at) then
          local key = 'masthead:analytics:seen:' .. visitor
          local ends = string.format('%d', at + window)
          local keep = string.format('%d', math.max(at + window, keep_until))
          -- One call for a new visitor (most): set unless set, and say what was there.
          local before = redis.call('SET', key, ends, 'NX', 'GET', 'PXAT', keep)
          fresh = not before
          if before and tonumber(before) <= at then
            redis.call('SET', key, ends, 'PXAT', keep)
            fresh = true
          end
        end
        if fresh then
          local hour = string.format('%d', math.floor(at / 3600000) * 3600)
          local field = kind .. '|' .. id .. '|' .. hour
          counts[field] = (counts[field] or 0) + 1
          if kind == 'view' and domain ~= '' then
            field = 'ref|' .. id .. '|' .. hour .. '|' .. domain
            counts[field] = (counts[field] or 0) + 1
          end
          counted = counted + 1
        end
      end
    end
    redis.call('SET', KEYS[s], ARGV[2 * s - 2], 'EX', ARGV[#ARGV])
    results[#results + 1] = 1
    results[#results + 1] = counted
  end
end
-- One HINCRBY per field, not per line: a call's lines are mostly a few pages' views.
for field, amount in pairs(counts) do
  redis.call('HINCRBY', live, field, amount)
end
return results
"""


class SpoolUnavailable(OSError):
    """The line could not be written whole: the beacon is not acknowledged."""


def line(counted: counting.Counted, *, visitor: str, now: float) -> bytes:
    return f"{int(now * 1000)} {visitor} {counted.kind} {counted.object_id} {counted.referrer_domain}\n".encode()


@dataclass(frozen=True)
class Event:
    counted: counting.Counted
    visitor: str
    now: float


def parse_line(raw: bytes) -> Event | None:
    """A spooled line, or None for one that is not whole (cut short by a crash)."""
    parts = raw.decode("ascii", "replace").split(" ")
    if len(parts) != 5:
        return None
    ms, visitor, kind, object_id, domain = parts
    keys = visitor.split(visitors.EARLIER)  # today's hash, and yesterday's in a day's first half hour
    if not (ms.isdigit() and object_id.isdigit() and kind in ("view", "impression", "click") and len(keys) <= 2):
        return None
    if any(len(key) != 32 or not all(c in HEX_DIGITS for c in key) for key in keys):
        return None
    return Event(counting.Counted(kind, int(object_id), domain), visitor, int(ms) / 1000)


class SpoolFile:
    """One spool file open in this process: its writer's (`own`) or adopted from a dead
    process, or (the flush job's) a live worker's, shipped but never deleted here."""

    def __init__(self, path: Path, fd: int, *, own: bool, orphan: bool = False):
        self.path = path
        self.fd = fd
        self.own = own
        self.orphan = orphan
        self.lock = threading.Lock()  # the writer's write against the shipper's retiring
        self.retired = orphan  # no more lines will be written to it
        self.shipped = _read_shipped(path)
        self.marker_base = MARKER_PREFIX + path.name + ":"
        self.shipped_fd: int | None = None
        self.opened_at = time.monotonic()

    def due_for_rotation(self) -> bool:
        return self.shipped >= ROTATE_BYTES or (
            self.shipped > 0 and time.monotonic() - self.opened_at >= ROTATE_SECONDS
        )

    def close(self) -> None:
        for fd in (self.shipped_fd, self.fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.shipped_fd = None


def _shipped_path(path: Path) -> Path:
    return path.with_name(path.name + SHIPPED_SUFFIX)


def _read_shipped(path: Path) -> int:
    try:
        text = _shipped_path(path).read_text().strip()
    except FileNotFoundError:
        return 0
    return int(text) if text.isdigit() else 0


def _write_shipped(spool: SpoolFile) -> None:
    if spool.shipped_fd is None:
        spool.shipped_fd = os.open(_shipped_path(spool.path), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.pwrite(spool.shipped_fd, b"%020d\n" % spool.shipped, 0)  # fixed width: never a shorter text over a longer


class _Process:
    """What one process holds: granian's workers are forked, so everything here is made
    again in a process whose pid differs from the one it was made in."""

    def __init__(self):
        self.pid = os.getpid()
        self.files: list[SpoolFile] = []
        self.files_lock = threading.Lock()
        self.ship_lock = threading.Lock()  # one shipment at a time (thread, drain, flush)
        self.numbers = itertools.count(1)
        self.local = threading.local()
        self.shipper: threading.Thread | None = None
        self.redis_skipped_until = 0.0
        self.unanswered_since: float | None = None
        self.connection = None  # the shipper's own Redis connection
        self.connection_url = ""
        self.script_sha: str | None = None
        self.adopted_at = float("-inf")


_process = _Process()
ship_in_background = True


def _forget_parent_process() -> None:
    global _process
    _process = _Process()


# A forked child holds its own files, locks and shipper. Made at the fork rather than by
# comparing os.getpid() on every beacon: a system call a beacon, on the hottest path.
os.register_at_fork(after_in_child=_forget_parent_process)


def _this_process() -> _Process:
    return _process


def directory() -> Path:
    return Path(settings.MASTHEAD_ANALYTICS_SPOOL_DIR)


def append(data: bytes) -> None:
    """Spool one line; raises SpoolUnavailable (or OSError) if it is not on file whole."""
    process = _this_process()
    spool = getattr(process.local, "spool", None)
    while True:
        if spool is None or spool.retired:
            spool = process.local.spool = _open_own(process)
        with spool.lock:
            if spool.retired:
                continue  # the shipper retired it just now: the line goes to a new file
            written = os.write(spool.fd, data)
            if written == len(data):
                return
            # A short write (disk full): end the cut line so the next one starts whole;
            # the cut one is skipped by the shipper as not whole.
            os.write(spool.fd, b"\n")
            raise SpoolUnavailable("the spool's disk took only part of the line")


def _open_own(process: _Process) -> SpoolFile:
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"beacons-{process.pid}-{next(process.numbers)}-{secrets.token_hex(4)}{SPOOL_SUFFIX}"
    # Made under another name and locked before it takes its own: an adopter takes any
    # spool whose lock it can get for a dead process's, and one that looked between the
    # open and the lock took a live worker's new file (its beacon answered 503).
    making = path.with_name(path.name + MAKING_SUFFIX)
    fd = os.open(making, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(making, path)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            making.unlink()
        raise
    spool = SpoolFile(path, fd, own=True)
    with process.files_lock:
        process.files.append(spool)
    if ship_in_background and process.shipper is None:
        _start_shipper(process)
    return spool


def _start_shipper(process: _Process) -> None:
    with process.files_lock:
        if process.shipper is not None:
            return
        process.shipper = threading.Thread(target=_ship_forever, args=(process,), name="beacon-spool", daemon=True)
    atexit.register(ship_at_exit)
    process.shipper.start()


def _ship_forever(process: _Process) -> None:
    from django.db import close_old_connections

    while _process is process:
        try:
            if time.monotonic() - process.adopted_at >= ADOPT_SECONDS:
                process.adopted_at = time.monotonic()
                adopt_orphans()
            shipped = ship_now(drain=False)
        except Exception:  # a bug or an unexpected error must not end the shipping
            logger.exception("Analytics: shipping the beacon spool failed")
            close_old_connections()
            shipped = 0
            time.sleep(1.0)
        if shipped < SEGMENT_BYTES:  # caught up: let lines gather for a bigger, cheaper call
            time.sleep(IDLE_SECONDS)


def ship_now(*, drain: bool = True) -> int:
    """Ship this process's spools (own and adopted); returns how many bytes were shipped.
    With `drain`, until everything written before the call is shipped (tests, the flush
    job, exit); without, one round (the shipper thread)."""
    process = _this_process()
    with process.ship_lock:
        with process.files_lock:
            files = list(process.files)
        sizes = {spool: os.fstat(spool.fd).st_size for spool in files}
        total = 0
        while True:
            shipped = _ship_round(process, files)
            total += shipped
            _retire_and_delete(process, files)
            with process.files_lock:
                files = list(process.files)
            behind = any(spool.shipped < sizes.get(spool, 0) for spool in files)
            if not (drain and shipped and behind):
                return total


def _ship_round(process: _Process, files: list[SpoolFile]) -> int:
    segments = []
    room = SEGMENT_BYTES
    for spool in files:
        data = _unshipped(spool, room) if room > 0 else b""
        if data:
            segments.append((spool, spool.shipped, spool.shipped + len(data), data))
            room -= len(data)
    if not segments:
        return 0
    ends = _to_redis(process, segments) if time.monotonic() >= process.redis_skipped_until else None
    if ends is None:
        if _waiting_for_an_answer(process):
            return 0
        ends = _to_database(segments)  # raises if the database is down too: the lines wait
    shipped = 0
    for (spool, start, _, _), end in zip(segments, ends, strict=True):
        shipped += max(0, end - start)
        spool.shipped = max(spool.shipped, end)
        if spool.own or spool.orphan:  # a live worker's offset is its own to write
            _write_shipped(spool)
    return shipped


def _unshipped(spool: SpoolFile, limit: int = SEGMENT_BYTES) -> bytes:
    """The whole lines after the shipped offset, at most `limit` bytes of them (at
    least one line, however long)."""
    size = os.fstat(spool.fd).st_size
    if size <= spool.shipped:
        return b""
    data = os.pread(spool.fd, max(min(size - spool.shipped, limit), LONGEST_LINE), spool.shipped)
    return data[: data.rfind(b"\n") + 1]


def _to_redis(process: _Process, segments) -> list[int] | None:
    """Ship the segments in one script call; the end each file is shipped to, or None if
    Redis failed (then it is left alone for a while)."""
    keys = [counting.LIVE_KEY, *(spool.marker_base + str(start) for spool, start, _, _ in segments)]
    arguments = [counting.DEDUPE_SECONDS * 1000]
    for _, _, end, data in segments:
        arguments += [end, data]
    arguments.append(MARKER_SECONDS)
    try:
        connection = _connected(process)
    except (redis.RedisError, OSError) as error:
        return _redis_failed(process, error, sent=False)  # nothing sent: nothing counted
    try:
        results = _run_script(process, connection, keys, arguments)
    except redis.ResponseError as error:
        # Redis answered, with an error: out of memory under noeviction, MISCONF (its
        # snapshots fail), READONLY (a replica now). It refuses a script's first write, so
        # nothing of the call was counted: the lines go to the database as when Redis is
        # down, where waiting for an answer that came would hold them for a minute each time.
        return _redis_failed(process, error, sent=False)
    except (redis.RedisError, OSError) as error:
        connection.disconnect()
        return _redis_failed(process, error, sent=True)
    process.unanswered_since = None
    ends = []
    for (_, _, end, _), applied, value in zip(segments, results[::2], results[1::2], strict=True):
        ends.append(end if applied else int(value))
    return ends


def _connected(process: _Process):
    url = settings.MASTHEAD_PAGE_CACHE_REDIS_URL
    if process.connection is None or process.connection_url != url:
        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=counting.REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_ANSWER_SECONDS
        )
        process.connection = pool.make_connection()
        process.connection_url = url
        process.script_sha = None
    connection = process.connection
    if connection._sock is not None and _closed_by_server(connection):
        connection.disconnect()  # Redis went away while idle: a call sent now is never answered
    connection.connect()  # nothing when connected
    return connection


def _closed_by_server(connection) -> bool:
    """Between calls nothing is due from Redis: anything to read is its end of the
    connection (a restart), so the next call would be sent into a dead socket and could
    not tell whether it was counted."""
    try:
        return connection.can_read(timeout=0)
    except (redis.RedisError, OSError):
        return True


def _run_script(process: _Process, connection, keys: list, arguments: list):
    if process.script_sha is None:
        connection.send_command("SCRIPT", "LOAD", SHIP_SCRIPT)
        process.script_sha = connection.read_response().decode()
    connection.send_command("EVALSHA", process.script_sha, len(keys), *keys, *arguments)
    try:
        return connection.read_response()
    except redis.exceptions.NoScriptError:  # a restarted Redis forgot it: nothing ran
        connection.send_command("EVAL", SHIP_SCRIPT, len(keys), *keys, *arguments)
        process.script_sha = None
        return connection.read_response()


def _redis_failed(process: _Process, error: Exception, *, sent: bool) -> None:
    now = time.monotonic()
    if sent and process.unanswered_since is None:
        process.unanswered_since = now
    waiting = process.unanswered_since is not None
    process.redis_skipped_until = now + (UNANSWERED_RETRY_SECONDS if waiting else REDIS_BACKOFF_SECONDS)
    logger.warning(
        "Analytics: Redis failed (%r); %s",
        error,
        "waiting for it to say whether it counted the last call" if waiting else "shipping beacons to the database",
    )


def _waiting_for_an_answer(process: _Process) -> bool:
    """True while an unanswered call may have been counted and Redis may yet say so."""
    since = process.unanswered_since
    if since is None:
        return False
    if time.monotonic() - since < UNANSWERED_GIVE_UP_SECONDS:
        return True
    logger.error(
        "Analytics: Redis has not answered for %s s; shipping to the database (the last unanswered call, "
        "if Redis counted it, is counted twice)",
        UNANSWERED_GIVE_UP_SECONDS,
    )
    process.unanswered_since = None
    return False


def _to_database(segments) -> list[int]:
    for _, _, _, data in segments:
        events = [event for raw in data.splitlines() if (event := parse_line(raw))]
        for start in range(0, len(events), DATABASE_CHUNK):
            counting.database_count_each(
                [(event.counted, event.visitor, event.now) for event in events[start : start + DATABASE_CHUNK]]
            )
    return [end for _, _, end, _ in segments]


def _retire_and_delete(process: _Process, files: list[SpoolFile]) -> None:
    """Retire own files shipped past ROTATE_BYTES or older than ROTATE_SECONDS (their
    writers open new ones); delete retired files shipped to their last whole line."""
    for spool in files:
        if spool.own and not spool.retired and spool.due_for_rotation():
            with spool.lock:
                spool.retired = True
        if spool.retired and not _unshipped(spool) and (spool.own or spool.orphan):
            _delete(process, spool)


def _delete(process: _Process, spool: SpoolFile) -> None:
    # The spool first: a crash between the two must not leave it without its offset, or
    # an adopter ships it again from the start, and lines that went to the database
    # (which leave no marker in Redis) are counted twice. An offset left alone is
    # deleted by the next adoption round.
    with contextlib.suppress(FileNotFoundError):
        spool.path.unlink()
    with contextlib.suppress(FileNotFoundError):
        _shipped_path(spool.path).unlink()
    spool.close()  # the flock goes with it, after the file is gone
    with process.files_lock:
        process.files.remove(spool)


def adopt_orphans() -> int:
    """Take over the spools of processes that died; returns how many."""
    process = _this_process()
    with process.files_lock:
        open_here = {spool.path for spool in process.files}
    adopted = 0
    _delete_abandoned_makings()
    for path in sorted(directory().glob("*" + SPOOL_SUFFIX)) if directory().is_dir() else ():
        if path in open_here:
            continue
        spool = _open_if_orphan(path)
        if spool is not None:
            with process.files_lock:
                process.files.append(spool)
            adopted += 1
    return adopted


def _delete_abandoned_makings() -> None:
    """A process that died between making a spool and renaming it left an empty file
    (lines are written only after the rename); one a minute old is no one's. So is an
    offset whose spool is gone (a process that died while deleting both)."""
    folder = directory()
    for path in folder.glob("*" + SPOOL_SUFFIX + MAKING_SUFFIX) if folder.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            if time.time() - path.stat().st_mtime > ABANDONED_MAKING_SECONDS:
                path.unlink()
    for path in folder.glob("*" + SPOOL_SUFFIX + SHIPPED_SUFFIX) if folder.is_dir() else ():
        if not path.with_name(path.name.removesuffix(SHIPPED_SUFFIX)).exists():
            path.unlink(missing_ok=True)


def _open_if_orphan(path: Path) -> SpoolFile | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None  # shipped and deleted by another process meanwhile
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None  # its process lives (or another one is adopting it)
    if os.fstat(fd).st_nlink == 0:  # deleted between the open and the lock
        os.close(fd)
        return None
    return SpoolFile(path, fd, own=False, orphan=True)


def ship_everything() -> int:
    """The flush job's drain: this process's spools and those of dead processes.
    A live worker's spool is its own to ship: what it shipped to the database while
    Redis was down left no marker in Redis, so only its own offset says it is done."""
    if not directory().is_dir():
        return 0
    adopt_orphans()
    return ship_now()


def wait_for_live_spools(timeout_seconds: float) -> bool:
    """Wait until every live worker has shipped what its spool held when called (its
    `.shipped` offset reaches that size); False if one had not within the timeout.
    For `masthead analytics_flush`: a flush after it holds every acknowledged beacon."""
    paths = sorted(directory().glob("*" + SPOOL_SUFFIX)) if directory().is_dir() else []
    targets = {path: _whole_lines_size(path) for path in paths}
    deadline = time.monotonic() + timeout_seconds
    while targets:
        targets = {path: size for path, size in targets.items() if path.exists() and _read_shipped(path) < size}
        if not targets:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(IDLE_SECONDS)
    return True


def _whole_lines_size(path: Path) -> int:
    """The offset after the file's last whole line (a line being written is not yet)."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 4096))
            tail = file.read()
    except FileNotFoundError:
        return 0
    return size - len(tail) + tail.rfind(b"\n") + 1


def ship_at_exit() -> None:
    """What the worker can ship as it exits; what it cannot, the next adopter ships."""
    if _process.pid == os.getpid() and _process.files:
        with contextlib.suppress(Exception):
            ship_now()


def reset_for_tests(*, background: bool = False) -> None:
    """Close this process's spools (left on disk) and forget them; no shipper thread
    unless asked, so tests ship with `ship_now()` when they choose to."""
    global _process, ship_in_background
    for spool in _process.files:
        spool.close()
    _process = _Process()
    ship_in_background = background
