"""Where stored pages live: files (the embedded default, and static publishing) or Redis.

Both stores share every worker's view of the cache, so a purge in one process is seen
by all. Each page is indexed under its cache keys ("page-12", "list-latest", ...), which
is how a purge finds every page that shows a changed article.

Anyone can ask for `/latest/?older=<any valid cursor>`: each path keeps at most
MAX_QUERY_ENTRIES_PER_PATH pages with a query string, and past it a page is served
without being stored. Each worker keeps at most MEMORY_ENTRIES pages in memory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import hiredis

from masthead.pagecache.addresses import path_of
from masthead.pagecache.entry import Entry
from masthead.pagecache.memory import GenerationMemory, new_generation

ENTRY_TTL_SECONDS = 7 * 24 * 3600
# Pages each worker keeps in memory in front of Redis: the pages of a viral moment (home,
# a few articles) fit many times over, at about 60 KB each with their compressed copies.
MEMORY_ENTRIES = 100
# Older pages of one listing a store keeps: readers rarely page far back, a keyset page
# renders in milliseconds from Django, and every publish purges them all (and tells a CDN
# about each, inside the editor's request), so the bound is also the cost of a publish.
MAX_QUERY_ENTRIES_PER_PATH = 20
# A file store's remembered pages are checked against their file on every hit, so no
# generation ever needs to retire them: they all belong to this one.
_FILE_CHECKED = "checked against the file"


class FileStore:
    """Pages as files in the layout nginx's `try_files $uri/index.html` expects.

    `/news/story/` is stored as `news/story/index.html` with `.gz` and `.br` beside it
    (for nginx's gzip_static and brotli_static) and `.meta` holding status and headers.
    Addresses with a query string, and anything that is not HTML, go under `.q/`, which
    nginx never serves. Each worker keeps what it read last in memory and checks the
    file's identity on every hit, so a purge (which deletes the file) is seen at once.
    The folder may hold the operator's own files too: a purge deletes only the store's.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._memory = GenerationMemory("file-pages", max_entries=MEMORY_ENTRIES)

    # Layout
    def _entry_path(self, address: str, *, html: bool = True) -> Path:
        path, _, query = address.partition("?")
        if query or not html or not path.endswith("/"):
            digest = hashlib.blake2b(address.encode(), digest_size=10).hexdigest()
            return self._variants_folder(path) / f"{digest}.page"
        return self.root / path.lstrip("/") / "index.html"

    def _variants_folder(self, path: str) -> Path:
        return self.root / ".q" / self._path_digest(path)

    @staticmethod
    def _path_digest(path: str) -> str:
        return hashlib.blake2b(path.encode(), digest_size=10).hexdigest()

    def _stored_variants(self, path: str) -> int:
        try:
            with os.scandir(self._variants_folder(path)) as entries:
                return sum(1 for entry in entries if entry.name.endswith(".page"))
        except OSError:
            return 0

    def _key_file(self, key: str) -> Path:
        return self.root / ".keys" / hashlib.blake2b(key.encode(), digest_size=10).hexdigest()

    # Reading
    def get(self, address: str) -> Entry | None:
        for html in (True, False):
            body_path = self._entry_path(address, html=html)
            try:
                stat = os.stat(body_path)
            except OSError:
                continue
            identity = (stat.st_ino, stat.st_mtime_ns)
            remembered = self._memory.get(_FILE_CHECKED, address)
            if remembered and remembered[0] == identity:
                return remembered[1]
            entry = self._read(body_path)
            if entry is not None:
                self._memory.set(_FILE_CHECKED, address, (identity, entry))
            return entry
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

    # Writing
    def generation(self) -> int:
        try:
            return int((self.root / ".generation").read_text() or 0)
        except (OSError, ValueError):
            return 0

    def put(self, address: str, entry: Entry, *, generation: int) -> bool:
        """Store unless a purge happened since the page was rendered (it may be stale), or
        the path already has as many pages with a query string as it may keep."""
        if self.generation() != generation:
            return False
        path, query = address.partition("?")[::2]
        if query and self._stored_variants(path) >= MAX_QUERY_ENTRIES_PER_PATH:
            return False
        html = dict((k.lower(), v) for k, v in entry.headers).get("content-type", "").startswith("text/html")
        body_path = self._entry_path(address, html=html)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(Path(f"{body_path}.meta"), entry.meta().encode())
        for suffix, data in ((".gz", entry.gzip), (".br", entry.br)):
            if data:
                _write_atomic(Path(f"{body_path}.{suffix.lstrip('.')}"), data)
        _write_atomic(body_path, entry.body)  # last: the body's presence makes the entry live
        # The address beside the file: a purge reports what it removed (to a CDN).
        line = f"{body_path.relative_to(self.root)}\t{address}\n".encode()
        for key in (*entry.keys, f"path:{path_of(address)}"):
            key_file = self._key_file(key)
            key_file.parent.mkdir(parents=True, exist_ok=True)
            with open(key_file, "ab") as index:  # O_APPEND: concurrent short writes do not interleave
                index.write(line)
        if self.generation() != generation:  # a purge raced with this write: undo it
            self._delete(body_path)
            return False
        return True

    # Purging
    def _bump_generation(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.root / ".generation", str(self.generation() + 1).encode())

    def purge_keys(self, keys) -> set[str]:
        """Remove every page stored under these keys; returns their addresses."""
        self._bump_generation()
        removed = set()
        for key in keys:
            key_file = self._key_file(key)
            try:
                listed = _index_lines(key_file.read_text())
                key_file.unlink()
            except OSError:
                continue
            for relative, address in listed:
                if self._delete(self.root / relative) and address:
                    removed.add(address)
        return removed

    def purge_paths(self, paths) -> set[str]:
        return self.purge_keys(f"path:{path}" for path in paths)

    def purge_all(self) -> set[str]:
        """Remove every page the store wrote, and nothing else: `.q/`, `.keys/` and each
        `index.html` that has the `.meta` only this store writes beside it."""
        self._bump_generation()
        if not self.root.exists():
            return set()
        stored = set()
        for key_file in (self.root / ".keys").glob("*"):
            try:
                stored.update(address for _, address in _index_lines(key_file.read_text()) if address)
            except OSError:
                continue
        for own_folder in (".q", ".keys"):
            shutil.rmtree(self.root / own_folder, ignore_errors=True)
        for meta in self.root.rglob("index.html.meta"):
            self._delete(meta.with_suffix(""))
        self._memory.clear()
        return stored

    @staticmethod
    def _delete(body_path: Path) -> int:
        existed = body_path.exists()
        body_path.unlink(missing_ok=True)  # first: without its body the entry is gone
        for suffix in (".meta", ".gz", ".br"):
            Path(f"{body_path}{suffix}").unlink(missing_ok=True)
        return int(existed)


class RedisStore:
    """Pages in Redis for several app servers.

    Each worker also keeps the pages it served last in memory, valid while the store's
    generation (replaced by every purge) stays the same: a hit then costs one small GET
    instead of fetching the page and its compressed copies (decision 0007).
    """

    # Store only if no purge happened since rendering began, and, for an address with a
    # query string (ARGV[7] is then the cap), only while its path (last of KEYS) has room;
    # atomically. A purge leaves deleted pages in other keys' indexes, the path's too:
    # those are dropped before a full index refuses a page.
    _PUT = """
    if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
    local cap = tonumber(ARGV[7])
    if cap > 0 and redis.call('EXISTS', KEYS[2]) == 0 and redis.call('SCARD', KEYS[#KEYS]) >= cap then
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[#KEYS])) do
            if redis.call('EXISTS', member) == 0 then redis.call('SREM', KEYS[#KEYS], member) end
        end
        if redis.call('SCARD', KEYS[#KEYS]) >= cap then return 0 end
    end
    redis.call('HSET', KEYS[2], 'meta', ARGV[2], 'body', ARGV[3], 'gzip', ARGV[4], 'br', ARGV[5])
    redis.call('EXPIRE', KEYS[2], ARGV[6])
    for i = 3, #KEYS do
        redis.call('SADD', KEYS[i], KEYS[2])
        redis.call('EXPIRE', KEYS[i], ARGV[6])
    end
    return 1
    """

    def __init__(self, url: str, prefix: str = "masthead:pages:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._put = self.client.register_script(self._PUT)
        self._memory = GenerationMemory("redis-pages", max_entries=MEMORY_ENTRIES)
        self._read_generation = PlainGet(self.client, self._generation_key)

    def _entry_key(self, address: str) -> str:
        return f"{self.prefix}e:{address}"

    def _index_key(self, key: str) -> str:
        return f"{self.prefix}k:{key}"

    @property
    def _generation_key(self) -> str:
        return f"{self.prefix}generation"

    def get(self, address: str) -> Entry | None:
        # The generation first: a purge after this read retires what is fetched below.
        generation = self.generation()
        entry = self._memory.get(generation, address)
        if entry is not None:
            return entry
        meta, body, gzip_body, br_body = self.client.hmget(self._entry_key(address), "meta", "body", "gzip", "br")
        if meta is None or body is None:
            return None
        entry = Entry.from_parts(meta, body, gzip_body or b"", br_body or b"")
        self._memory.set(generation, address, entry)
        return entry

    def generation(self) -> str:
        try:
            value = self._read_generation()
        except (OSError, ValueError, hiredis.HiredisError):
            self._read_generation.reset()
            value = self.client.get(self._generation_key)
        if value is None:
            # Never set, or lost with a Redis restart: a fresh token, never a value a
            # worker's memory could still hold from before.
            self.client.set(self._generation_key, new_generation(), nx=True)
            value = self.client.get(self._generation_key)
        return value.decode()

    def _new_generation(self) -> None:
        self.client.set(self._generation_key, new_generation())

    def put(self, address: str, entry: Entry, *, generation: str) -> bool:
        keys = [self._generation_key, self._entry_key(address)]
        keys += [self._index_key(key) for key in (*entry.keys, f"path:{path_of(address)}")]
        cap = MAX_QUERY_ENTRIES_PER_PATH if "?" in address else 0
        args = [str(generation), entry.meta(), entry.body, entry.gzip, entry.br, ENTRY_TTL_SECONDS, cap]
        return bool(self._put(keys=keys, args=args))

    def purge_keys(self, keys) -> set[str]:
        """Remove every page stored under these keys; returns their addresses.

        The generation changes before the deletes, so no render that began earlier is
        stored, and again after them: a worker that fetched a page between the two keeps
        it under the first, which the second retires.
        """
        self._new_generation()
        removed = set()
        for key in keys:
            index_key = self._index_key(key)
            members = sorted(self.client.smembers(index_key))
            if members:
                with self.client.pipeline(transaction=False) as pipeline:
                    for member in members:
                        pipeline.delete(member)
                    deleted = pipeline.execute()
                removed.update(self._address(member) for member, gone in zip(members, deleted, strict=True) if gone)
            self.client.delete(index_key)
        self._new_generation()
        return removed

    def purge_paths(self, paths) -> set[str]:
        return self.purge_keys(f"path:{path}" for path in paths)

    def purge_all(self) -> set[str]:
        self._new_generation()
        stored, batch = set(), []
        for name in self.client.scan_iter(f"{self.prefix}[ek]:*", count=1000):
            if name.startswith(self._entry_key("").encode()):
                stored.add(self._address(name))
            batch.append(name)
            if len(batch) >= 1000:
                self.client.delete(*batch)
                batch = []
        if batch:
            self.client.delete(*batch)
        self._new_generation()  # see purge_keys
        return stored

    def _address(self, entry_key: bytes) -> str:
        return entry_key.decode().removeprefix(self._entry_key(""))


class PlainGet:
    """GET of one key over a plain socket per thread, for the one read every page-cache hit
    on Redis makes (the store's generation). redis-py spends about 50 µs of CPU around
    each command's 25 µs round trip: at 10,000 hits a second, a fifth of two cores.
    Raises on any trouble; the caller then asks through redis-py."""

    def __init__(self, client, key: str):
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
        self.command = _command("GET", key)
        self._local = threading.local()

    def __call__(self) -> bytes | None:
        if not self.usable:
            raise ValueError("not a plain TCP connection")
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
        connection.sendall(self.command)
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
    """A primary store plus a folder of files for nginx (static publishing)."""

    def __init__(self, primary, published: FileStore):
        self.primary = primary
        self.published = published

    def get(self, address):
        return self.primary.get(address)

    def generation(self):
        return self.primary.generation()

    def put(self, address, entry, *, generation):
        stored = self.primary.put(address, entry, generation=generation)
        if stored:
            self.published.put(address, entry, generation=self.published.generation())
        return stored

    def purge_keys(self, keys) -> set[str]:
        keys = list(keys)
        return self.published.purge_keys(keys) | self.primary.purge_keys(keys)

    def purge_paths(self, paths) -> set[str]:
        paths = list(paths)
        return self.published.purge_paths(paths) | self.primary.purge_paths(paths)

    def purge_all(self) -> set[str]:
        return self.published.purge_all() | self.primary.purge_all()


def _index_lines(text: str) -> set[tuple[str, str]]:
    """(file, address) pairs of a key's index."""
    pairs = set()
    for line in text.splitlines():
        relative, _, address = line.partition("\t")
        if relative:
            pairs.add((relative, address))
    return pairs


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
