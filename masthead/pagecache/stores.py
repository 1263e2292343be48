"""Where stored pages live: files (the embedded default, and static publishing) or Redis.

Both stores share every worker's view of the cache, so a purge in one process is seen
by all. Each page is indexed under its cache keys ("page-12", "list-latest", ...), which
is how a purge finds every page that shows a changed article.

Each store also keeps the purge clock every cache in Masthead is checked against
(decision 0008): a generation, a number that every purge advances, and for each key the
generation at which it was last purged. A page, fragment or remembered value built at
generation G is current while none of its keys was purged after G. A purge of everything
moves the epoch instead, the generation every key counts as purged at; a store that lost
its clock (a new data folder, a Redis restart) starts again at an epoch later than any
generation a worker can hold, so nothing built before is trusted.

Anyone can ask for `/latest/?older=<any valid cursor>`: each path keeps at most
MAX_QUERY_ENTRIES_PER_PATH pages with a query string, and past it a page is served
without being stored. Each worker keeps at most MEMORY_ENTRIES pages in memory.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import hiredis

from masthead.pagecache import keys as cache_keys
from masthead.pagecache.addresses import path_of
from masthead.pagecache.entry import Entry
from masthead.pagecache.memory import WorkerMemory

ENTRY_TTL_SECONDS = 7 * 24 * 3600
# Pages each worker keeps in memory in front of its store: the pages of a viral moment
# (home, a few articles) fit many times over, at about 60 KB each with their compressed
# copies.
MEMORY_ENTRIES = 100
# Older pages of one listing a store keeps: readers rarely page far back, a keyset page
# renders in milliseconds from Django, and every publish purges them all (and tells a CDN
# about each, inside the editor's request), so the bound is also the cost of a publish.
MAX_QUERY_ENTRIES_PER_PATH = 20


class PageStore(Protocol):
    """What the page cache, the purge API and the fragment caches ask of a store."""

    def get(self, address: str) -> Entry | None: ...

    def generation(self) -> int:
        """The purge clock now: read before rendering, passed to put()."""

    def purged_at(self, keys: Iterable[str]) -> dict[str, int]:
        """The generation at which each key was last purged (at least the epoch)."""

    def put(self, address: str, entry: Entry, *, generation: int) -> bool:
        """Store unless one of the entry's keys was purged after `generation`."""

    def purge_keys(self, keys: Iterable[str], removed: set[str] | None = None) -> set[str]:
        """Advance the clock for these keys, then delete their pages; returns the
        addresses deleted (for a CDN), each also added to `removed` as it goes."""

    def purge_paths(self, paths: Iterable[str], removed: set[str] | None = None) -> set[str]: ...

    def purge_all(self, removed: set[str] | None = None) -> set[str]:
        """Advance the epoch, then delete every page; returns the addresses deleted. Each
        is also added to `removed` as it goes, so a purge that fails half-way still
        tells the caller (and so the CDN) about the pages it did delete."""


def first_generation() -> int:
    """Where a clock starts: the time in microseconds, later than any generation a clock
    lost before could have reached (one purge a microsecond for as long as it ran), and
    exact in the double-precision numbers of Redis's Lua."""
    return time.time_ns() // 1000


def new_stamp() -> str:
    return secrets.token_hex(8)


class FileStore:
    """Pages as files in the layout nginx's `try_files $uri/index.html` expects.

    `/news/story/` is stored as `news/story/index.html` with `.gz` and `.br` beside it
    (for nginx's gzip_static and brotli_static) and `.meta` holding status and headers.
    Addresses with a query string, and anything that is not HTML, go under `.q/`, which
    nginx never serves. Each worker keeps what it read last in memory and checks the
    file's identity on every hit, so a purge (which deletes the file) is seen at once.
    The folder may hold the operator's own files too: a purge deletes only the store's.

    The clock: `.clock` holds the generation and the epoch, `.purged/` a file per key
    purged since the last purge of everything; purges take `.lock` to advance it one at a
    time.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._memory = WorkerMemory("file-pages", max_entries=MEMORY_ENTRIES)

    # Layout
    def _entry_path(self, address: str, *, html: bool = True) -> Path:
        """`html=False` also for short-lived entries: nginx must never serve one."""
        path, _, query = address.partition("?")
        if query or not html or not path.endswith("/"):
            digest = hashlib.blake2b(address.encode(), digest_size=10).hexdigest()
            return self._variants_folder(path) / f"{digest}.page"
        return self.root / path.lstrip("/") / "index.html"

    def _variants_folder(self, path: str) -> Path:
        return self.root / ".q" / self._digest(path)

    @staticmethod
    def _digest(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()

    def _stored_variants(self, path: str) -> int:
        try:
            with os.scandir(self._variants_folder(path)) as entries:
                return sum(1 for entry in entries if entry.name.endswith(".page"))
        except OSError:
            return 0

    def _key_file(self, key: str) -> Path:
        return self.root / ".keys" / self._digest(key)

    def _purge_marker(self, key: str) -> Path:
        return self.root / ".purged" / self._digest(key)

    # Reading
    def get(self, address: str) -> Entry | None:
        for html in (True, False):
            body_path = self._entry_path(address, html=html)
            try:
                stat = os.stat(body_path)
            except OSError:
                continue
            identity = (stat.st_ino, stat.st_mtime_ns)
            remembered = self._memory.get(address)
            if remembered and remembered[0] == identity:
                entry = remembered[1]
            else:
                entry = self._read(body_path)
                if entry is not None:
                    self._memory.set(address, (identity, entry))
            return None if entry is None or entry.expired else entry
        return None

    def _read(self, body_path: Path) -> Entry | None:
        try:
            meta = Path(f"{body_path}.meta").read_bytes()
            body = body_path.read_bytes()
            gzip_body = _read_optional(Path(f"{body_path}.gz"))
            br_body = _read_optional(Path(f"{body_path}.br"))
        except OSError:
            return None
        return Entry.from_parts(meta, body, gzip_body, br_body)

    # The clock: `.clock` holds "<generation> <epoch>", replaced whole.
    def _read_clock(self) -> tuple[int, int] | None:
        try:
            generation, epoch = (int(part) for part in (self.root / ".clock").read_text().split())
        except (OSError, ValueError):
            return None  # a new folder, or one from before the clock (its `.generation` is ignored)
        return generation, epoch

    def _clock(self) -> tuple[int, int]:
        clock = self._read_clock()
        if clock is None:
            with self._clock_lock():
                clock = self._read_clock() or self._start_clock()
        return clock

    def _start_clock(self) -> tuple[int, int]:
        """With the lock held: a new folder, or one whose clock was deleted."""
        value = first_generation()
        shutil.rmtree(self.root / ".purged", ignore_errors=True)
        _write_atomic(self.root / ".clock", f"{value} {value}".encode())
        return value, value

    def generation(self) -> int:
        return self._clock()[0]

    def purged_at(self, keys) -> dict[str, int]:
        epoch = self._clock()[1]
        return {key: max(epoch, _read_number(self._purge_marker(key)) or 0) for key in keys}

    @contextmanager
    def _clock_lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _advance(self, keys=(), *, everything: bool = False) -> int:
        with self._clock_lock():
            current, epoch = self._read_clock() or self._start_clock()
            value = current + 1
            if everything:
                # The new epoch first: every marker deleted after it is below it anyway,
                # while one deleted before it would leave its key purged at the old epoch.
                _write_atomic(self.root / ".clock", f"{value} {value}".encode())
                shutil.rmtree(self.root / ".purged", ignore_errors=True)
                return value
            (self.root / ".purged").mkdir(exist_ok=True)
            for key in keys:
                _write_atomic(self._purge_marker(key), str(value).encode())
            _write_atomic(self.root / ".clock", f"{value} {epoch}".encode())
        return value

    def _current_for(self, keys, generation: int) -> bool:
        return max(self.purged_at(keys).values()) <= generation

    # Writing
    def put(self, address: str, entry: Entry, *, generation: int) -> bool:
        """Store unless a key of the page was purged since it was rendered (it may be
        stale), or the path already has as many pages with a query string as it may keep."""
        path, query = address.partition("?")[::2]
        page_keys = (*entry.keys, cache_keys.path(path_of(address)))
        if not self._current_for(page_keys, generation):
            return False
        if query and self._stored_variants(path) >= MAX_QUERY_ENTRIES_PER_PATH:
            return False
        html = dict((k.lower(), v) for k, v in entry.headers).get("content-type", "").startswith("text/html")
        html = html and entry.expires is None
        body_path = self._entry_path(address, html=html)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(Path(f"{body_path}.meta"), entry.meta().encode())
        for suffix, data in ((".gz", entry.gzip), (".br", entry.br)):
            if data:
                _write_atomic(Path(f"{body_path}.{suffix.lstrip('.')}"), data)
        _write_atomic(body_path, entry.body)  # last: the body's presence makes the entry live
        # The address beside the file: a purge reports what it removed (to a CDN).
        line = f"{body_path.relative_to(self.root)}\t{address}\n".encode()
        for key in page_keys:
            key_file = self._key_file(key)
            key_file.parent.mkdir(parents=True, exist_ok=True)
            with open(key_file, "ab") as index:  # O_APPEND: concurrent short writes do not interleave
                index.write(line)
        if not self._current_for(page_keys, generation):  # a purge raced with this write: undo it
            self._delete(body_path)
            return False
        return True

    # Purging
    def purge_keys(self, keys, removed: set[str] | None = None) -> set[str]:
        """Remove every page stored under these keys; returns their addresses."""
        keys = list(keys)
        self._advance(keys)  # first: no page rendered before this is stored from now on
        removed = set() if removed is None else removed
        for key in keys:
            for listing in self._indexes_set_aside(self._key_file(key)):
                try:
                    listed = _index_lines(listing.read_text())
                except OSError:
                    continue  # another purge of the key finished it
                for relative, address in listed:
                    self._delete(self.root / relative, address, removed)
                listing.unlink(missing_ok=True)  # last: a page it failed to delete stays listed
        return removed

    @staticmethod
    def _indexes_set_aside(key_file: Path) -> list[Path]:
        """The key's index, renamed before its pages are deleted, with any an earlier purge
        of the key set aside and failed to finish. Renamed, not read and unlinked: a page
        stored meanwhile starts a new index, and a page this purge fails to delete (a disk
        error half-way) stays listed for the retry, which would not find it otherwise while
        the page stays served (a hit does not check the clock; nginx serves the file)."""
        aside = key_file.with_name(f"{key_file.name}.purging-{secrets.token_hex(4)}")
        with suppress(FileNotFoundError):
            key_file.rename(aside)
        return sorted(key_file.parent.glob(f"{key_file.name}.purging-*"))

    def purge_paths(self, paths, removed: set[str] | None = None) -> set[str]:
        return self.purge_keys((cache_keys.path(path) for path in paths), removed)

    def purge_all(self, removed: set[str] | None = None) -> set[str]:
        """Remove every page the store wrote, and nothing else: `.q/`, `.keys/` and each
        `index.html` that has the `.meta` only this store writes beside it. An address
        goes into `removed` once its page is deleted, not before: a purge that fails
        half-way must not have the CDN fetch again a page still on disk (nginx serves
        this folder as it is). An `index.html`'s address is its folder, so one the purge
        left is reported by the retry, after `.keys/` has gone."""
        self._advance(everything=True)
        stored = set() if removed is None else removed
        variants = set()
        for key_file in (self.root / ".keys").glob("*"):
            try:
                variants.update(
                    address
                    for relative, address in _index_lines(key_file.read_text())
                    if address and relative.startswith(".q/")
                )
            except OSError:
                continue
        for own_folder in (".q", ".keys"):
            shutil.rmtree(self.root / own_folder, ignore_errors=True)
        stored |= variants
        for meta in self.root.rglob("index.html.meta"):
            body = meta.with_suffix("")
            self._delete(body, _address_of_folder(body.parent.relative_to(self.root)), stored)
        self._memory.clear()
        return stored

    @staticmethod
    def _delete(body_path: Path, address: str = "", removed: set[str] | None = None) -> None:
        """Delete a stored page; its address goes into `removed` once its body is gone (no
        one is served it from then on), before its companions, which may still fail."""
        existed = body_path.exists()
        body_path.unlink(missing_ok=True)  # first: without its body the entry is gone
        if existed and address and removed is not None:
            removed.add(address)
        for suffix in (".meta", ".gz", ".br"):
            Path(f"{body_path}{suffix}").unlink(missing_ok=True)


class RedisStore:
    """Pages in Redis for several app servers.

    Each worker also keeps the pages it served last in memory. Every stored page carries
    a random stamp; a hit asks Redis for the stamp only (one small HGET) and uses the
    remembered copy while the stamp is the same, instead of fetching the page and its
    compressed copies. A purge deletes the entry, so its stamp is gone too.

    Redis must not evict the clock (`generation`, `epoch`, `purged`, kept without a TTL):
    use `noeviction` or a `volatile-*` policy.
    """

    # Keep the clock running: a Redis that restarted (or was emptied) starts again at a
    # new epoch, after which nothing built before is trusted. KEYS: generation, epoch,
    # purged; ARGV[1]: first_generation().
    _CLOCK = """
    local function clock()
        local generation = redis.call('GET', KEYS[1])
        if not generation then
            generation = ARGV[1]
            redis.call('SET', KEYS[1], generation)
            redis.call('SET', KEYS[2], generation)
            redis.call('DEL', KEYS[3])
        elseif redis.call('EXISTS', KEYS[2]) == 0 then
            redis.call('SET', KEYS[2], generation)  -- a lost epoch: all counts as purged now
        end
        return tonumber(generation)
    end
    """
    _GENERATION = _CLOCK + "return clock()"
    # A clock behind what this worker saw: Redis came back from an older snapshot, and the
    # purges since are lost. A new epoch at ARGV[1] (later than all seen) trusts nothing.
    _FORWARD = """
    local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
    if generation >= tonumber(ARGV[1]) then return generation end
    redis.call('SET', KEYS[1], ARGV[1])
    redis.call('SET', KEYS[2], ARGV[1])
    redis.call('DEL', KEYS[3])
    return tonumber(ARGV[1])
    """
    # ARGV[2]: "all" or "keys"; ARGV[3...]: the keys purged.
    _ADVANCE = (
        _CLOCK
        + """
    clock()
    local generation = redis.call('INCR', KEYS[1])
    if ARGV[2] == 'all' then
        redis.call('SET', KEYS[2], generation)
        redis.call('DEL', KEYS[3])
    else
        for i = 3, #ARGV do redis.call('HSET', KEYS[3], ARGV[i], generation) end
    end
    return generation
    """
    )
    # Store only if no key of the page was purged since rendering began (and the clock
    # did not restart), and, for an address with a query string (ARGV[7] is then the
    # cap), only while its path (last of KEYS) has room; atomically. A purge leaves
    # deleted pages in other keys' indexes, the path's too: those are dropped before a
    # full index refuses a page. KEYS: generation, epoch, purged, registry, entry, indexes...;
    # ARGV: generation, meta, body, gzip, br, the entry's ttl, cap, stamp, the indexes'
    # ttl, the page's keys... The entry and its indexes are named in the registry
    # (KEYS[4]), which purge_all() reads instead of walking every key in Redis (the
    # analytics keep millions there). Like the clock it has no TTL (a `volatile-*` policy
    # must not evict it); two of its names picked at random are dropped if their key has
    # expired, so it stays near the size of what is stored.
    _PUT = """
    local rendered_at = tonumber(ARGV[1])
    local now = redis.call('GET', KEYS[1])
    if not now or tonumber(now) < rendered_at then return 0 end
    if tonumber(redis.call('GET', KEYS[2]) or rendered_at + 1) > rendered_at then return 0 end
    local names = {}
    for i = 10, #ARGV do names[#names + 1] = ARGV[i] end
    if #names > 0 then
        for _, purged in ipairs(redis.call('HMGET', KEYS[3], unpack(names))) do
            if purged and tonumber(purged) > rendered_at then return 0 end
        end
    end
    local entry = KEYS[5]
    local cap = tonumber(ARGV[7])
    if cap > 0 and redis.call('EXISTS', entry) == 0 and redis.call('SCARD', KEYS[#KEYS]) >= cap then
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[#KEYS])) do
            if redis.call('EXISTS', member) == 0 then redis.call('SREM', KEYS[#KEYS], member) end
        end
        if redis.call('SCARD', KEYS[#KEYS]) >= cap then return 0 end
    end
    redis.call('HSET', entry, 'meta', ARGV[2], 'body', ARGV[3], 'gzip', ARGV[4], 'br', ARGV[5], 'stamp', ARGV[8])
    redis.call('EXPIRE', entry, ARGV[6])
    for _, name in ipairs(redis.call('SRANDMEMBER', KEYS[4], 2)) do
        if redis.call('EXISTS', name) == 0 then redis.call('SREM', KEYS[4], name) end
    end
    redis.call('SADD', KEYS[4], entry)
    for i = 6, #KEYS do
        redis.call('SADD', KEYS[i], entry)
        redis.call('EXPIRE', KEYS[i], ARGV[9])
        redis.call('SADD', KEYS[4], KEYS[i])
    end
    return 1
    """

    PURGE_BATCH = 1000  # keys a purge of everything deletes in one transaction

    def __init__(self, url: str, prefix: str = "masthead:pages:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        # Named apart from the random generation token stores kept before the clock, which
        # a rolling deploy finds in Redis: that one is simply never read.
        self._clock_keys = [f"{prefix}clock:generation", f"{prefix}clock:epoch", f"{prefix}clock:purged"]
        self._registry_key = f"{prefix}registry"
        # Set once purge_all() has walked every key for entries no registry names (stored
        # by a version before the registry): at most once per entry lifetime.
        self._swept_key = f"{prefix}registry:swept"
        self._put = self.client.register_script(self._PUT)
        self._start_generation = self.client.register_script(self._GENERATION)
        self._advance = self.client.register_script(self._ADVANCE)
        self._forward = self.client.register_script(self._FORWARD)
        self._highest_seen = 0
        self._memory = WorkerMemory("redis-pages", max_entries=MEMORY_ENTRIES)
        self._plain = PlainRedis(self.client)

    def _entry_key(self, address: str) -> str:
        return f"{self.prefix}e:{address}"

    def _index_key(self, key: str) -> str:
        return f"{self.prefix}k:{key}"

    def get(self, address: str) -> Entry | None:
        entry_key = self._entry_key(address)
        try:
            stamp = self._plain("HGET", entry_key, "stamp")
        except (OSError, ValueError, hiredis.HiredisError):
            self._plain.reset()
            stamp = self.client.hget(entry_key, "stamp")
        if stamp is None:
            return None
        remembered = self._memory.get(address)
        if remembered is not None and remembered[0] == stamp:
            return remembered[1]
        meta, body, gzip_body, br_body, stamp = self.client.hmget(entry_key, "meta", "body", "gzip", "br", "stamp")
        if meta is None or body is None:
            return None
        entry = Entry.from_parts(meta, body, gzip_body or b"", br_body or b"")
        self._memory.set(address, (stamp, entry))
        return entry

    def generation(self) -> int:
        try:
            value = self._plain("GET", self._clock_keys[0])
        except (OSError, ValueError, hiredis.HiredisError):
            self._plain.reset()
            value = self.client.get(self._clock_keys[0])
        if value is None:
            value = self._start_generation(keys=self._clock_keys, args=[first_generation()])
        value = int(value)
        if value < self._highest_seen:
            value = int(self._forward(keys=self._clock_keys, args=[max(first_generation(), self._highest_seen + 1)]))
        self._highest_seen = max(self._highest_seen, value)
        return value

    def purged_at(self, keys) -> dict[str, int]:
        keys = list(keys)
        with self.client.pipeline(transaction=True) as pipeline:
            pipeline.get(self._clock_keys[1])
            if keys:
                pipeline.hmget(self._clock_keys[2], keys)
            replies = pipeline.execute()
        if replies[0] is None:  # the clock, or its epoch, was lost: all counts as purged now
            epoch = int(self._start_generation(keys=self._clock_keys, args=[first_generation()]))
        else:
            epoch = int(replies[0])
        purged = replies[1] if keys else []
        return {key: max(epoch, int(value or 0)) for key, value in zip(keys, purged, strict=True)}

    def put(self, address: str, entry: Entry, *, generation: int) -> bool:
        page_keys = [*entry.keys, cache_keys.path(path_of(address))]
        redis_keys = [
            *self._clock_keys,
            self._registry_key,
            self._entry_key(address),
            *(self._index_key(key) for key in page_keys),
        ]
        cap = MAX_QUERY_ENTRIES_PER_PATH if "?" in address else 0
        seconds = ENTRY_TTL_SECONDS if entry.expires is None else max(1, round(entry.expires - time.time()))
        args = [
            generation,
            entry.meta(),
            entry.body,
            entry.gzip,
            entry.br,
            seconds,
            cap,
            new_stamp(),
            ENTRY_TTL_SECONDS,
        ]
        return bool(self._put(keys=redis_keys, args=[*args, *page_keys]))

    def purge_keys(self, keys, removed: set[str] | None = None) -> set[str]:
        """Advance the clock for these keys (no page rendered before is stored from then
        on), then delete every page stored under them; returns their addresses."""
        keys = sorted(set(keys))
        removed = set() if removed is None else removed
        if not keys:
            return removed
        self._advance(keys=self._clock_keys, args=[first_generation(), "keys", *keys])
        for key in keys:
            index_key = self._index_key(key)
            members = sorted(self.client.smembers(index_key))
            if not members:
                continue
            # Only the pages read leave the index, with their names in the registry, in
            # one transaction: a page stored since (rendered after the advance) stays in
            # both. Deleting the whole index dropped such a page from it, and the next
            # purge of this key did not find it.
            with self.client.pipeline(transaction=True) as pipeline:
                pipeline.srem(index_key, *members)
                pipeline.srem(self._registry_key, *members)
                for member in members:
                    pipeline.delete(member)
                _, _, *deleted = pipeline.execute()
            removed.update(self._address(member) for member, gone in zip(members, deleted, strict=True) if gone)
        return removed

    def purge_paths(self, paths, removed: set[str] | None = None) -> set[str]:
        return self.purge_keys((cache_keys.path(path) for path in paths), removed)

    def purge_all(self, removed: set[str] | None = None) -> set[str]:
        """Advance the clock, then delete every entry and index the registry names, a
        batch (one transaction) at a time, each batch's addresses added to `removed` as
        it lands. Redis also holds the analytics' dedupe keys (one per reader per page
        for 30 minutes, millions on a busy day): a SCAN for the store's own keys walked
        them all on every purge of everything, seconds of Redis's time for one menu change."""
        self._advance(keys=self._clock_keys, args=[first_generation(), "all"])
        stored = set() if removed is None else removed
        batch = self.PURGE_BATCH
        for names in itertools.batched(self.client.sscan_iter(self._registry_key, count=batch), batch):
            stored |= self._unregister_and_delete(names)
        if not self.client.exists(self._swept_key):
            self._sweep_unregistered(stored)
        return stored

    def _sweep_unregistered(self, stored: set[str]) -> None:
        """Walk the store's prefix for entries an older version stored, named in no
        registry. Marked done (for an entry's longest life) only once a walk finds none:
        in a rolling deploy the old version's workers may still be storing pages."""
        found_unregistered = False
        batch = self.PURGE_BATCH
        for names in itertools.batched(self.client.scan_iter(f"{self.prefix}[ek]:*", count=batch), batch):
            found_unregistered |= not all(self.client.smismember(self._registry_key, names))
            stored |= self._unregister_and_delete(names)
        if not found_unregistered:
            self.client.set(self._swept_key, 1, ex=ENTRY_TTL_SECONDS)

    def _unregister_and_delete(self, names) -> set[str]:
        """Delete these keys and their names in the registry, in one transaction: a page
        stored between the two would otherwise be left in Redis but not in the registry,
        where no later purge of everything finds it. Returns the addresses of the
        entries among them that existed."""
        entry_prefix = self._entry_key("").encode()
        with self.client.pipeline(transaction=True) as pipeline:
            pipeline.srem(self._registry_key, *names)
            for name in names:
                pipeline.delete(name)
            _, *deleted = pipeline.execute()
        return {
            self._address(name)
            for name, gone in zip(names, deleted, strict=True)
            if gone and name.startswith(entry_prefix)
        }

    def _address(self, entry_key: bytes) -> str:
        return entry_key.decode().removeprefix(self._entry_key(""))


class PlainRedis:
    """One command over a plain socket per thread, for the one read every page-cache hit
    on Redis makes (the page's stamp) and the clock read before a render. redis-py spends
    about 50 µs of CPU around each command's 25 µs round trip: at 10,000 hits a second, a
    fifth of two cores. Raises on any trouble; the caller then asks through redis-py."""

    def __init__(self, client):
        pool = client.connection_pool
        options = pool.connection_kwargs
        self.address = (options.get("host", "localhost"), options.get("port", 6379))
        self.timeout = options.get("socket_timeout") or 2
        self.usable = pool.connection_class.__name__ == "Connection"  # plain TCP: not TLS, not a Unix socket
        setup = []
        if options.get("password"):
            setup.append(_command("AUTH", *[v for v in (options.get("username"), options["password"]) if v]))
        if options.get("db"):
            setup.append(_command("SELECT", str(options["db"])))
        self.setup = setup
        self._local = threading.local()

    def __call__(self, *command: str):
        if not self.usable:
            raise ValueError("not a plain TCP connection")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
        connection.sendall(_command(*command))
        return self._reply(connection)

    def _connect(self):
        connection = socket.create_connection(self.address, timeout=self.timeout)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.connection, self._local.reader = connection, hiredis.Reader()
        for command in self.setup:
            connection.sendall(command)
            self._reply(connection)
        return connection

    def _reply(self, connection):
        reader = self._local.reader
        reply = reader.gets()
        while reply is False:
            data = connection.recv(4096)
            if not data:
                raise ConnectionError("Redis closed the connection")
            reader.feed(data)
            reply = reader.gets()
        if isinstance(reply, Exception):
            raise reply
        return reply

    def reset(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()


def _command(*parts: str) -> bytes:
    encoded = [part.encode() for part in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)


class MirroredStore:
    """A primary store plus a folder of files for nginx (static publishing).

    The primary's clock is the one renders and fragments read. A purge clears the primary
    first, then the folder; a page is written to the folder only after the primary took
    it, checked against the folder's own clock as read before: so a purge that ran
    between the two is seen by one check or the other, and no stale file stays behind.
    """

    def __init__(self, primary, published: FileStore):
        self.primary = primary
        self.published = published

    def get(self, address):
        return self.primary.get(address)

    def generation(self):
        return self.primary.generation()

    def purged_at(self, keys):
        return self.primary.purged_at(keys)

    def put(self, address, entry, *, generation):
        published_generation = self.published.generation()
        stored = self.primary.put(address, entry, generation=generation)
        if stored and entry.expires is None:  # nginx would serve a short-lived one forever
            self.published.put(address, entry, generation=published_generation)
        return stored

    # Each into the one `removed`: should the folder fail after the primary purged, the
    # caller still has the primary's pages to tell the CDN about.
    def purge_keys(self, keys, removed: set[str] | None = None) -> set[str]:
        keys, removed = list(keys), set() if removed is None else removed
        self.primary.purge_keys(keys, removed)
        return self.published.purge_keys(keys, removed)

    def purge_paths(self, paths, removed: set[str] | None = None) -> set[str]:
        paths, removed = list(paths), set() if removed is None else removed
        self.primary.purge_paths(paths, removed)
        return self.published.purge_paths(paths, removed)

    def purge_all(self, removed: set[str] | None = None) -> set[str]:
        removed = set() if removed is None else removed
        self.primary.purge_all(removed)
        return self.published.purge_all(removed)


@lru_cache(maxsize=1)
def configured_store() -> PageStore:
    """The store the settings name: Redis, or files; with a static publishing folder too."""
    from django.conf import settings

    published = FileStore(settings.MASTHEAD_STATIC_PUBLISH_DIR) if settings.MASTHEAD_STATIC_PUBLISH_DIR else None
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL:
        primary = RedisStore(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)
        return MirroredStore(primary, published) if published else primary
    return published or FileStore(settings.MASTHEAD_PAGE_CACHE_DIR)


def _address_of_folder(relative: Path) -> str:
    """The address whose `index.html` a FileStore keeps in this folder (_entry_path)."""
    folder = relative.as_posix()
    return "/" if folder == "." else f"/{folder}/"


def _index_lines(text: str) -> set[tuple[str, str]]:
    """(file, address) pairs of a key's index."""
    pairs = set()
    for line in text.splitlines():
        relative, _, address = line.partition("\t")
        if relative:
            pairs.add((relative, address))
    return pairs


def _read_number(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def _read_optional(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
