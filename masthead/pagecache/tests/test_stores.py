"""Both stores keep, find and purge pages the same way; files double as static publishing."""

import shutil

import hiredis
import pytest
import redis
from django.conf import settings

from masthead.pagecache import stores
from masthead.pagecache.entry import Entry
from masthead.pagecache.stores import FileStore, MirroredStore, RedisStore
from masthead.pagecache.tests.helpers import redis_page_store

REDIS_URL = settings.CONFIG.test_redis_url
PAGE = b"<!doctype html><title>Story</title>" + b"<p>Words of the story.</p>" * 60


def html_entry(keys=("page-1",)):
    return Entry.build(status="200 OK", headers=[("Content-Type", "text/html; charset=utf-8")], body=PAGE, keys=keys)


@pytest.fixture
def redis_store():
    with redis_page_store() as store:
        yield store


@pytest.fixture(params=["files", "redis"])
def store(request, tmp_path):
    if request.param == "files":
        return FileStore(tmp_path / "pages")
    return request.getfixturevalue("redis_store")


def test_put_get_and_purge_by_key_and_by_path(store):
    store.put("/news/story/", html_entry(("page-1", "list-latest")), generation=store.generation())
    store.put("/latest/", html_entry(("list-latest",)), generation=store.generation())
    store.put("/latest/?older=1-2", html_entry(("list-latest",)), generation=store.generation())

    assert store.get("/news/story/").body == PAGE
    assert store.purge_keys(["page-1"]) == {"/news/story/"}  # what was removed, for a CDN
    assert store.get("/news/story/") is None
    assert store.get("/latest/") is not None

    assert store.purge_paths(["/latest/"]) == {"/latest/", "/latest/?older=1-2"}
    assert store.get("/latest/") is None and store.get("/latest/?older=1-2") is None


def test_purge_all_empties_the_store(store):
    store.put("/a/", html_entry(), generation=store.generation())
    store.put("/b/?older=1-2", html_entry(), generation=store.generation())
    assert store.purge_all() == {"/a/", "/b/?older=1-2"}
    assert store.get("/a/") is None


def test_files_are_laid_out_for_nginx(tmp_path):
    store = FileStore(tmp_path)
    store.put("/news/story/", html_entry(), generation=store.generation())
    store.put("/latest/?older=1-2", html_entry(), generation=store.generation())

    page = tmp_path / "news" / "story" / "index.html"
    assert page.read_bytes() == PAGE
    assert (tmp_path / "news" / "story" / "index.html.gz").exists()
    assert (tmp_path / "news" / "story" / "index.html.br").exists()
    assert not (tmp_path / "latest").exists()  # query-string pages stay out of nginx's way

    store.purge_keys(["page-1"])
    assert not page.exists() and not (tmp_path / "news" / "story" / "index.html.gz").exists()


@pytest.mark.parametrize("kind", ["files", "redis"])
def test_a_purge_in_one_worker_is_seen_by_another(kind, request, tmp_path):
    """Two workers over one store; Redis workers keep hits in memory, and a purge by any
    worker must retire them on the next request."""
    if kind == "files":
        first, second = FileStore(tmp_path), FileStore(tmp_path)
    else:
        first = request.getfixturevalue("redis_store")
        second = RedisStore(REDIS_URL, prefix=first.prefix)
    first.put("/a/", html_entry(), generation=first.generation())
    first.put("/b/", html_entry(("page-2",)), generation=first.generation())
    remembered = second.get("/a/")
    assert remembered is not None
    assert second.get("/a/") is remembered  # from the worker's memory: the same entry, not read again

    first.purge_keys(["page-1"])

    assert second.get("/a/") is None
    assert second.get("/b/").body == PAGE


def test_mirrored_store_publishes_files_beside_redis(store, tmp_path):
    published = FileStore(tmp_path / "published")
    mirrored = MirroredStore(store, published)

    mirrored.put("/news/story/", html_entry(), generation=mirrored.generation())
    assert (tmp_path / "published" / "news" / "story" / "index.html").exists()

    mirrored.purge_keys(["page-1"])
    assert not (tmp_path / "published" / "news" / "story" / "index.html").exists()
    assert mirrored.get("/news/story/") is None


def test_redis_reads_on_a_plain_socket_that_recovers(redis_store):
    """Every hit reads the page's stamp, every miss the clock; the plain socket must agree
    with redis-py, follow purges, and come back after Redis drops the connection."""
    store = redis_store
    first = store.generation()
    assert first == store.generation()  # started once, then kept
    store.purge_keys(["page-1"])
    after_purge = store.generation()
    assert after_purge == first + 1
    assert after_purge == int(store.client.get(store._clock_keys[0]))
    assert store._plain.usable

    host, port = store._plain._local.connection.getsockname()[:2]
    assert store.client.client_kill_filter(addr=f"{host}:{port}") == 1  # Redis drops the plain socket

    assert store.generation() == after_purge  # answered through redis-py, then reconnected
    assert store.generation() == after_purge
    store.purge_all()
    assert store.generation() == after_purge + 1


def test_a_worker_reading_during_a_redis_purge_keeps_nothing_stale(redis_store):
    """Another worker fetches the page after the purge advanced the clock but before it
    deleted the page: what it kept must not outlive the purge."""
    purging, reading = redis_store, RedisStore(REDIS_URL, prefix=redis_store.prefix)
    purging.put("/a/", html_entry(), generation=purging.generation())
    members = purging.client.smembers

    def smembers_while_another_worker_reads(name):
        assert reading.get("/a/") is not None  # fetched from Redis: not deleted yet
        return members(name)

    purging.client.smembers = smembers_while_another_worker_reads
    purging.purge_keys(["page-1"])
    del purging.client.smembers

    assert reading.get("/a/") is None


def test_a_remembered_redis_page_is_used_only_while_its_stamp_is_stored(redis_store):
    """Worker memory answers a hit after one HGET; a page stored again (another render)
    replaces what the worker remembered, and a purge of another page keeps it."""
    writer, reader = redis_store, RedisStore(REDIS_URL, prefix=redis_store.prefix)
    writer.put("/a/", html_entry(("page-1",)), generation=writer.generation())
    writer.put("/b/", html_entry(("page-2",)), generation=writer.generation())
    first = reader.get("/a/")
    assert reader.get("/a/") is first  # from memory
    writer.purge_keys(["page-2"])
    assert reader.get("/a/") is first  # another page's purge leaves it warm
    newer = Entry.build(status="200 OK", headers=[("Content-Type", "text/html")], body=b"<p>newer</p>" * 60)
    writer.put("/a/", newer, generation=writer.generation())
    assert reader.get("/a/").body == newer.body


def test_a_redis_that_lost_its_clock_trusts_nothing_built_before(redis_store):
    """A Redis restart (here: its keys deleted) starts a new epoch later than any
    generation a worker read before, so a render begun before it is not stored."""
    store = redis_store
    before = store.generation()
    store.client.delete(*store._clock_keys)
    assert store.put("/a/", html_entry(("page-1",)), generation=before) is False
    assert store.generation() > before
    assert store.purged_at(["page-1"])["page-1"] > before
    assert store.put("/a/", html_entry(("page-1",)), generation=store.generation()) is True


def test_a_redis_that_lost_only_its_epoch_stores_pages_again(redis_store):
    """An evicted epoch (Redis run with the wrong eviction policy) counts as a purge of
    everything now, and the store goes on storing."""
    store = redis_store
    before = store.generation()
    store.client.delete(store._clock_keys[1])
    assert store.purged_at(["page-1"])["page-1"] >= before
    assert store.put("/a/", html_entry(("page-1",)), generation=store.generation()) is True


def test_a_redis_from_before_the_clock_is_read_as_a_new_clock(redis_store):
    """A rolling deploy meets the random generation token older releases kept: it is
    never read, so pages are stored and fragments kept from the first request."""
    store = redis_store
    store.client.set(f"{store.prefix}generation", "18c9f0e2a1b3c4d5e6f7a8b9")
    generation = store.generation()
    assert store.put("/a/", html_entry(("page-1",)), generation=generation) is True
    assert store.purged_at(["page-1"])["page-1"] <= generation
    store.client.delete(f"{store.prefix}generation")


def test_plain_redis_speaks_to_a_password_and_database(redis_store):
    from masthead.pagecache.stores import PlainRedis

    client = redis.Redis.from_url(REDIS_URL.replace("redis://", "redis://:not-the-password@", 1))
    with pytest.raises(hiredis.ReplyError, match=r"AUTH|password"):
        PlainRedis(client)("GET", "any")
    client = redis.Redis.from_url(REDIS_URL)
    client.set(f"{redis_store.prefix}plain", "yes")
    assert PlainRedis(client)("GET", f"{redis_store.prefix}plain") == b"yes"
    client.delete(f"{redis_store.prefix}plain")


def test_pages_with_a_query_string_are_capped_per_path(store, monkeypatch):
    """Past the cap a path's query variants are refused; its bare page and other paths are not,
    and a purge makes room again."""
    monkeypatch.setattr(stores, "MAX_QUERY_ENTRIES_PER_PATH", 2)
    put = [store.put(f"/latest/?older={n}-1", html_entry(), generation=store.generation()) for n in range(1, 5)]

    assert put == [True, True, False, False]
    assert store.get("/latest/?older=3-1") is None
    assert store.put("/latest/", html_entry(), generation=store.generation())
    assert store.put("/news/?older=1-1", html_entry(), generation=store.generation())

    store.purge_keys(["page-1"])
    assert store.put("/latest/?older=3-1", html_entry(), generation=store.generation())


def test_a_publish_purges_at_most_a_couple_dozen_pages_of_one_listing(store):
    """Every publish purges its listings' older pages too, one CDN purge each, inside the
    editor's request: however far readers paged back, that stays a small, fixed cost."""
    for n in range(1, 101):
        store.put(f"/latest/?older={n}-1", html_entry(keys=["list-latest"]), generation=store.generation())
    store.put("/latest/", html_entry(keys=["list-latest"]), generation=store.generation())

    assert len(store.purge_keys(["list-latest"])) <= 21


def test_a_file_store_keeps_a_bounded_number_of_pages_in_memory(tmp_path):
    """Each worker remembers as many pages as the Redis store's workers do, however many are stored."""
    store = FileStore(tmp_path)
    for n in range(stores.MEMORY_ENTRIES + 20):
        store.put(f"/news/story-{n}/", html_entry(), generation=store.generation())
        assert store.get(f"/news/story-{n}/") is not None

    assert len(store._memory) == stores.MEMORY_ENTRIES
    assert store.get("/news/story-0/").body == PAGE  # forgotten by the worker, read again from its file


def test_purge_all_deletes_only_the_stores_own_files(tmp_path):
    """The publish folder may hold the operator's files too (robots.txt, a hand-made page)."""
    store = FileStore(tmp_path)
    store.put("/news/story/", html_entry(), generation=store.generation())
    store.put("/latest/?older=1-2", html_entry(), generation=store.generation())
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text("<p>About us</p>")
    (tmp_path / "news" / "story" / "photo.jpg").write_bytes(b"\xff\xd8")

    assert store.purge_all() == {"/news/story/", "/latest/?older=1-2"}

    assert store.get("/news/story/") is None and store.get("/latest/?older=1-2") is None
    assert not list(tmp_path.rglob("index.html.*"))
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file()) == [
        ".clock",
        ".lock",
        "about/index.html",
        "news/story/photo.jpg",
        "robots.txt",
    ]


def test_a_folder_from_before_the_clock_starts_one(tmp_path):
    """A data folder written by an older release holds `.generation` with a small count
    and no epoch: the store starts a clock and goes on storing pages."""
    (tmp_path / ".generation").write_text("5")
    store = FileStore(tmp_path)
    generation = store.generation()
    assert generation > 5
    assert store.put("/a/", html_entry(("page-1",)), generation=generation) is True
    assert store.purged_at(["page-1"])["page-1"] <= generation


def test_a_redis_restored_from_an_older_snapshot_starts_a_new_epoch(redis_store):
    """Redis came back with the clock it had at its last snapshot; the purges since are
    lost. A worker that saw a later generation moves the clock past it as a new epoch, so
    nothing built before the restart is trusted (found in review)."""
    store = redis_store
    snapshot = store.generation()
    store.purge_keys(["page-1"])
    built_at = store.generation()  # a fragment built now, after that purge
    store.client.set(store._clock_keys[0], snapshot)  # the restore: back in time,
    store.client.hdel(store._clock_keys[2], "page-1")  # and page-1's purge forgotten

    after = store.generation()
    assert after > built_at
    assert store.purged_at(["page-1"])["page-1"] > built_at
    assert store.put("/a/", html_entry(("page-1",)), generation=built_at) is False


def test_a_purge_of_everything_never_leaves_a_key_below_the_new_epoch(tmp_path, monkeypatch):
    """Between deleting the markers and writing the new epoch, a reader must not see a
    purged key as purged at the old epoch (found in review)."""
    store = FileStore(tmp_path)
    store.purge_keys(["page-1"])
    marked = store.purged_at(["page-1"])["page-1"]
    seen = []
    rmtree = shutil.rmtree

    def rmtree_while_a_reader_reads(path, *args, **kwargs):
        rmtree(path, *args, **kwargs)
        seen.append(store.purged_at(["page-1"])["page-1"])

    monkeypatch.setattr(stores.shutil, "rmtree", rmtree_while_a_reader_reads)
    store.purge_all()
    assert seen and min(seen) >= marked


def test_a_purge_of_everything_does_not_walk_the_other_keys_in_redis(tmp_path):
    """Redis also holds the analytics' dedupe keys, one per reader per page for 30
    minutes: a purge of everything (a menu, a site setting, an ad) that SCANned for the
    store's own keys walked them all. A Redis of the test's own: its command counts are
    the store's alone."""
    from masthead.core.tests.processes import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    client = redis.Redis.from_url(server.url)
    store = RedisStore(server.url)
    try:
        client.mset({f"masthead:analytics:seen:{n:032x}": "1" for n in range(2000)})
        store.put("/a/", html_entry(), generation=store.generation())
        assert store.purge_all() == {"/a/"}  # the first walks once, for entries stored before the registry
        store.put("/b/", html_entry(("page-2",)), generation=store.generation())
        store.put("/c/?older=1-2", html_entry(), generation=store.generation())
        client.config_resetstat()

        assert store.purge_all() == {"/b/", "/c/?older=1-2"}

        commands = client.info("commandstats")
        assert "cmdstat_scan" not in commands and "cmdstat_keys" not in commands
        assert store.get("/b/") is None and store.get("/c/?older=1-2") is None
        left = {name.decode() for name in client.scan_iter(count=1000)}
        assert len([name for name in left if name.startswith("masthead:analytics:seen:")]) == 2000
        assert not [name for name in left if name.startswith((store._entry_key(""), store._index_key("")))]
        assert not client.exists(store._registry_key)
    finally:
        client.close()
        store.client.close()
        server.stop(keep_data=False)


def legacy_entry(store, address):
    """An entry as a version before the registry stored it: named in no registry."""
    name = store._entry_key(address)
    store.client.hset(name, mapping={"meta": b"{}", "body": PAGE, "stamp": b"old"})
    store.client.expire(name, 60)
    return name


def test_a_page_stored_by_a_version_before_the_registry_is_purged(redis_store):
    """An older version names its pages in no registry: a purge of everything walks the
    store's keys until a walk finds none of those (a rolling deploy's old workers may
    still be storing them), then marks the walk done."""
    first = legacy_entry(redis_store, "/legacy/")
    redis_store.put("/new/", html_entry(), generation=redis_store.generation())

    assert redis_store.purge_all() == {"/legacy/", "/new/"}
    assert not redis_store.client.exists(first)
    assert not redis_store.client.exists(redis_store._swept_key)  # it found one: walk again next time

    second = legacy_entry(redis_store, "/legacy-again/")  # an old worker, still running
    assert redis_store.purge_all() == {"/legacy-again/"}
    assert not redis_store.client.exists(second)

    assert redis_store.purge_all() == set()
    assert redis_store.client.ttl(redis_store._swept_key) > 0  # a walk that found none


class PipelineThenAReader:
    """A redis-py pipeline whose first execute() is followed at once by `reader()`: a
    reader's request that stores a page while a purge is half done."""

    def __init__(self, real_pipeline, reader):
        self.real_pipeline, self.reader, self.done = real_pipeline, reader, []

    def __call__(self, *args, **kwargs):
        self.inner = self.real_pipeline(*args, **kwargs)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.inner.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def execute(self):
        replies = self.inner.execute()
        if not self.done:
            self.done.append(self.reader())
        return replies


def test_a_page_stored_while_a_purge_by_key_deletes_stays_in_the_index(redis_store, monkeypatch):
    """/hot/ is rendered right after an edit's purge began and stored while the purge is
    deleting: the next purge of the same key must still find it."""
    redis_store.put("/hot/", html_entry(("page-1",)), generation=redis_store.generation())
    reader = PipelineThenAReader(
        redis_store.client.pipeline,
        lambda: redis_store.put("/hot/", html_entry(("page-1",)), generation=redis_store.generation()),
    )
    monkeypatch.setattr(redis_store.client, "pipeline", reader)
    assert redis_store.purge_keys(["page-1"]) == {"/hot/"}
    monkeypatch.undo()

    assert reader.done == [True]  # rendered after the purge began: stored
    assert redis_store.get("/hot/") is not None
    assert redis_store.purge_keys(["page-1"]) == {"/hot/"}  # the next edit's purge finds it
    assert redis_store.get("/hot/") is None


def test_a_page_stored_while_a_purge_of_everything_deletes_stays_registered(redis_store, monkeypatch):
    """A reader renders /hot/ right after the purge began and stores it while the purge
    is deleting: it must stay named in the registry, or no later purge finds it."""
    redis_store.client.set(redis_store._swept_key, 1)  # no older version's pages to walk for
    redis_store.put("/hot/", html_entry(), generation=redis_store.generation())
    reader = PipelineThenAReader(
        redis_store.client.pipeline,
        lambda: redis_store.put("/hot/", html_entry(), generation=redis_store.generation()),
    )
    monkeypatch.setattr(redis_store.client, "pipeline", reader)
    redis_store.purge_all()
    monkeypatch.undo()

    assert reader.done == [True]  # rendered after the purge began: stored
    hot = redis_store._entry_key("/hot/").encode()
    assert redis_store.client.exists(hot)
    assert redis_store.client.sismember(redis_store._registry_key, hot)
    assert redis_store.purge_all() == {"/hot/"}  # the next purge of everything finds it


def test_the_registry_forgets_expired_pages_and_is_never_evicted(redis_store):
    gone = redis_store._entry_key("/expired/")
    redis_store.client.sadd(redis_store._registry_key, gone)  # its entry has expired

    redis_store.put("/kept/", html_entry(), generation=redis_store.generation())

    names = redis_store.client.smembers(redis_store._registry_key)
    assert gone.encode() not in names  # the set had one name: the put's random pick was it
    assert redis_store._entry_key("/kept/").encode() in names
    # No TTL, like the clock: under a volatile-* policy Redis evicts only keys with one.
    assert redis_store.client.ttl(redis_store._registry_key) == -1
