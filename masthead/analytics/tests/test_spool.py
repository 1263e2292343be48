"""The beacon spool (spool.py): a beacon is acknowledged once its line is on file; the
lines reach Redis (or the database while Redis is down) once and only once, whatever
is shipped twice, cut short by a crash or left behind by a dead worker."""

from __future__ import annotations

import contextlib
import datetime
import os
import socket
import subprocess
import sys
import textwrap
import threading
from urllib.parse import urlsplit

import pytest

from masthead.analytics import counting, flush, spool
from masthead.analytics.models import PageViewTotal, RecentView
from masthead.core.tests.processes import RedisServer
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC).timestamp()
VISITOR = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def articles(site_tree):
    return [make_article(site_tree.sections["news"]) for _ in range(2)]


@pytest.fixture
def clock(monkeypatch):
    now = [NOON]
    monkeypatch.setattr("masthead.analytics.beacon.time.time", lambda: now[0])
    return now


def totals(*pages) -> list[int]:
    found = dict(PageViewTotal.objects.values_list("page_id", "views"))
    return [found.get(page.pk, 0) for page in pages]


def spool_files():
    return sorted(spool.directory().glob("*.spool"))


def view_line(page, *, visitor=VISITOR, at=NOON, domain="") -> bytes:
    return spool.line(counting.Counted("view", page.pk, domain), visitor=visitor, now=at)


def visitor(n: int) -> str:
    return f"{n:032x}"


def test_a_beacon_is_acknowledged_from_the_spool_before_redis_has_it(beacons, redis_counts, articles):
    first, _ = articles
    beacons.view(first.pk, address="192.0.2.99")
    (path,) = spool_files()
    text = path.read_text()
    assert text.endswith(f" view {first.pk} \n") and "192.0.2.99" not in text  # the hash, never the address
    assert not redis_counts.exists(counting.LIVE_KEY)
    spool.ship_now()
    assert flush.flush_counts() == 1
    assert totals(first) == [1]


def test_the_dedupe_window_holds_on_the_beacons_times_however_late_they_are_shipped(
    beacons, redis_counts, articles, clock
):
    """One view per reader per article per 30 minutes, judged by when the beacons came,
    though all of them reach Redis long after (the clock is a day behind Redis's)."""
    first, second = articles
    beacons.view(first.pk)
    clock[0] += 29 * 60 + 59
    beacons.view(first.pk)  # within the window: not counted
    beacons.view(second.pk)  # another article: counted
    clock[0] += 1
    beacons.view(first.pk)  # the window is over: counted
    beacons.view(first.pk)  # and a new one begins
    flush.flush_counts()
    assert totals(first, second) == [2, 1]


def test_a_line_cut_short_at_the_end_of_a_spool_is_skipped_and_the_rest_shipped(redis_counts, articles):
    first, second = articles
    spool.directory().mkdir(parents=True)
    orphan = spool.directory() / "beacons-1-1-dead.spool"
    whole = view_line(first, visitor=visitor(1)) + view_line(second, visitor=visitor(2))
    orphan.write_bytes(whole + view_line(first, visitor=visitor(3))[:-9])  # its writer died mid-line
    assert spool.ship_everything() == len(whole)
    flush.flush_counts()
    assert totals(first, second) == [1, 1]
    assert spool_files() == []  # shipped and deleted


def test_a_malformed_line_inside_a_spool_costs_only_itself(redis_counts, articles):
    first, second = articles
    spool.directory().mkdir(parents=True)
    orphan = spool.directory() / "beacons-1-1-dead.spool"
    orphan.write_bytes(view_line(first, visitor=visitor(1)) + b"12 zz view\n" + view_line(second, visitor=visitor(2)))
    spool.ship_everything()
    flush.flush_counts()
    assert totals(first, second) == [1, 1]


def test_a_segment_shipped_twice_counts_once(beacons, redis_counts, articles):
    """The worker died after Redis counted a segment and before it wrote its offset:
    the next shipper starts at the old offset, finds the segment's marker and moves on."""
    first, second = articles
    beacons.view(first.pk, address="198.51.100.1")
    beacons.view(second.pk, address="198.51.100.1")
    (path,) = spool_files()
    spool.ship_now()
    assert spool._read_shipped(path) == path.stat().st_size
    (spool.directory() / (path.name + ".shipped")).write_text("0")  # the offset was never written
    spool.reset_for_tests()  # the worker is gone; its flock with it
    beacons.view(second.pk, address="198.51.100.2")  # a new worker, a new spool
    assert spool.adopt_orphans() == 1
    spool.ship_now()
    assert flush.flush_counts() == 1
    assert totals(first, second) == [1, 2]


def test_a_segment_shipped_by_two_shippers_at_once_counts_once(redis_counts, articles):
    first, _ = articles
    spool.directory().mkdir(parents=True)
    path = spool.directory() / "beacons-1-1-both.spool"
    path.write_bytes(b"".join(view_line(first, visitor=visitor(n)) for n in range(1, 11)))
    one, other = (spool.SpoolFile(path, os.open(path, os.O_RDONLY), own=False) for _ in range(2))
    process = spool._this_process()
    assert spool._ship_round(process, [one]) == path.stat().st_size
    assert spool._ship_round(process, [other]) == path.stat().st_size  # moved on by the marker
    one.close()
    other.close()
    flush.flush_counts()
    assert totals(first) == [10]


def test_an_orphaned_spool_of_a_dead_worker_is_recovered_once(redis_counts, articles):
    """A real process writes a spool under its flock and dies; the flock goes with it."""
    first, second = articles
    folder = spool.directory()
    folder.mkdir(parents=True)
    lines = view_line(first, visitor=visitor(1)) + view_line(second, visitor=visitor(2), domain="search.example")
    worker = textwrap.dedent(f"""
        import fcntl, os
        fd = os.open({str(folder / "beacons-999999-1-dead.spool")!r}, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, {lines!r})
        print("written", flush=True)
        input()
    """)
    process = subprocess.Popen([sys.executable, "-c", worker], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "written\n"
        assert spool.adopt_orphans() == 0  # its worker lives: not an orphan
    finally:
        process.kill()
        process.wait()
    assert spool.adopt_orphans() == 1
    assert spool.adopt_orphans() == 0  # adopted once
    spool.ship_now()
    assert spool_files() == []
    assert flush.flush_counts() == 1
    assert flush.flush_counts() == 0
    assert totals(first, second) == [1, 1]


def test_with_redis_down_the_spool_goes_to_the_database_and_nothing_is_lost(beacons, articles, settings, tmp_path):
    first, second = articles
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = RedisServer(tmp_path / "redis").url  # nothing listens there
    for n in range(30):
        beacons.view(first.pk if n % 3 else second.pk, address=f"198.51.100.{n}")
    beacons.view(second.pk, address="198.51.100.0")  # a repeat: the database's dedupe holds
    spool.ship_now()
    assert totals(first, second) == [20, 10]
    assert RecentView.objects.count() == 30


def test_a_redis_that_answers_with_an_error_sends_the_lines_to_the_database(beacons, articles, settings, tmp_path):
    """Out of memory (or MISCONF, READONLY), Redis answers the call with an error and runs
    none of its writes. It was taken for a call left unanswered: the shipper waited a
    minute for a marker that could never come, and the counts fell further behind."""
    import redis

    first, second = articles
    server = RedisServer(tmp_path / "redis").start()
    try:
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = server.url
        client = redis.Redis.from_url(server.url)
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", "1")  # every write is refused
        beacons.view(first.pk)
        beacons.view(second.pk)
        assert spool.ship_now() > 0
        assert totals(first, second) == [1, 1]
        assert client.dbsize() == 0
        client.close()
    finally:
        server.stop(keep_data=False)


def test_lines_with_yesterdays_hash_are_deduplicated_in_the_database_too(articles):
    """Shipped to the database (Redis down), a line from a day's first half hour is
    checked against the hash made with yesterday's salt as well."""
    first, _ = articles
    before, after = visitor(1), visitor(2)
    midnight = NOON + 12 * 3600
    lines = view_line(first, visitor=before, at=midnight - 300) + view_line(
        first, visitor=f"{after}+{before}", at=midnight + 300
    )
    events = [spool.parse_line(raw) for raw in lines.splitlines()]
    assert counting.database_count_each([(event.counted, event.visitor, event.now) for event in events]) == 1
    assert totals(first) == [1]
    assert spool.parse_line(view_line(first, visitor=f"{after}+{before[:-1]}")) is None
    assert spool.parse_line(view_line(first, visitor=f"{after}+{before}+{before}")) is None


def test_with_redis_and_the_database_down_the_lines_wait_in_the_spool(
    beacons, articles, settings, tmp_path, monkeypatch
):
    first, _ = articles
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = RedisServer(tmp_path / "redis").url  # nothing listens there
    beacons.view(first.pk)

    def database_down(events):
        raise counting.StorageUnavailable("the database went away")

    monkeypatch.setattr(counting, "database_count_each", database_down)
    with pytest.raises(counting.StorageUnavailable):
        spool.ship_now()
    assert totals(first) == [0]
    monkeypatch.undo()
    spool.ship_now()  # back: the line was kept
    assert totals(first) == [1]


def test_a_spool_shipped_past_its_size_is_rotated_and_deleted(beacons, redis_counts, articles, monkeypatch):
    first, _ = articles
    monkeypatch.setattr(spool, "ROTATE_BYTES", 200)
    for n in range(4):
        beacons.view(first.pk, address=f"198.51.100.{n}")
    (old,) = spool_files()
    spool.ship_now()
    assert not old.exists() and not (old.parent / (old.name + ".shipped")).exists()
    beacons.view(first.pk, address="198.51.100.9")  # the writer opens a new file
    (new,) = spool_files()
    assert new != old
    flush.flush_counts()
    assert totals(first) == [5]


def test_a_spool_older_than_its_age_limit_is_rotated_and_deleted(beacons, redis_counts, articles, monkeypatch):
    """Deleted before the kernel's 30 s writeback, a spool's lines never reach the disk."""
    first, _ = articles
    beacons.view(first.pk, address="198.51.100.1")
    (old,) = spool_files()
    spool.ship_now()
    assert old.exists()  # shipped, small and young: kept for the next lines
    monkeypatch.setattr(spool, "ROTATE_SECONDS", 0.0)
    spool.ship_now()
    assert not old.exists() and not (old.parent / (old.name + ".shipped")).exists()
    beacons.view(first.pk, address="198.51.100.2")  # the writer opens a new file
    (new,) = spool_files()
    assert new != old
    flush.flush_counts()
    assert totals(first) == [2]


class _Crash(BaseException):
    """The process dying at that line."""


def test_a_crash_while_a_shipped_spool_is_deleted_never_leaves_it_without_its_offset(
    beacons, redis_counts, articles, monkeypatch
):
    """Its offset was deleted first: a worker dying before the spool went too left a
    spool an adopter ships again from its start, and the lines of it that had gone to
    the database (no marker in Redis says so) were counted twice."""
    import pathlib

    first, _ = articles
    beacons.view(first.pk)
    (path,) = spool_files()
    spool.ship_now()
    offset = path.with_name(path.name + ".shipped")
    assert offset.exists()
    monkeypatch.setattr(spool, "ROTATE_SECONDS", 0.0)
    real_unlink, deletions = pathlib.Path.unlink, []

    def unlink(self, missing_ok=False):
        if self.name.startswith(path.name):
            deletions.append(self)
            if len(deletions) == 2:
                raise _Crash
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    with pytest.raises(_Crash):
        spool.ship_now()
    monkeypatch.undo()

    assert not path.exists(), "the spool goes first"
    assert offset.exists()
    spool.adopt_orphans()
    assert not offset.exists(), "an offset without its spool is tidied away"


def test_an_adopter_looking_while_a_worker_makes_its_spool_leaves_it_alone(
    beacons, redis_counts, articles, monkeypatch
):
    """An adopter takes any spool whose lock it can get: a new file must never be seen
    before its worker holds the lock (it was, once a spool was retired every 10 s: a
    beacon answered 503 about once in 150,000 under load)."""
    first, _ = articles
    real_open = os.open
    adopted = []

    def open_then_adopt(path, flags, *args):
        fd = real_open(path, flags, *args)
        if flags & os.O_CREAT and not adopted:
            adopted.append(spool.adopt_orphans())  # another worker's shipper, right then
        return fd

    monkeypatch.setattr(spool.os, "open", open_then_adopt)
    status, _, _ = beacons.send(f"page={first.pk}")
    monkeypatch.undo()
    assert (status, adopted) == (204, [0])
    spool.ship_now()
    flush.flush_counts()
    assert totals(first) == [1]


def test_an_abandoned_spool_in_the_making_is_deleted_after_a_minute(beacons, redis_counts, articles):
    folder = spool.directory()
    folder.mkdir(parents=True, exist_ok=True)
    abandoned = folder / ("beacons-1-1-dead" + spool.SPOOL_SUFFIX + spool.MAKING_SUFFIX)
    abandoned.write_bytes(b"")
    recent = folder / ("beacons-2-1-new" + spool.SPOOL_SUFFIX + spool.MAKING_SUFFIX)
    recent.write_bytes(b"")
    os.utime(abandoned, (0, 0))
    spool.adopt_orphans()
    assert not abandoned.exists() and recent.exists()


def test_a_beacon_answers_503_when_its_spool_cannot_be_written(beacons, redis_counts, articles, settings, tmp_path):
    first, _ = articles
    (tmp_path / "not-a-folder").write_text("")
    settings.MASTHEAD_ANALYTICS_SPOOL_DIR = tmp_path / "not-a-folder" / "spool"
    status, headers, _ = beacons.send(f"page={first.pk}")
    assert status == 503 and headers["Retry-After"] == "5"


def test_a_forked_worker_writes_a_spool_of_its_own(beacons, redis_counts, articles):
    first, _ = articles
    beacons.view(first.pk, address="198.51.100.1")
    pid = os.fork()
    if pid == 0:  # the child: as granian's worker after the fork
        code = 1
        try:
            beacons.view(first.pk, address="198.51.100.2")
            code = 0 if len(spool_files()) == 2 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert spool.adopt_orphans() == 1  # the child is gone: its spool is an orphan
    spool.ship_now()
    flush.flush_counts()
    assert totals(first) == [2]


class AnswerDroppingProxy:
    """A TCP proxy in front of the test Redis. While `drop_answers` is set it passes each
    request on and, instead of passing Redis's answer back, closes the connection: the
    shipper sent a call that Redis ran, and never learns it."""

    def __init__(self, upstream_url: str):
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname, parts.port or 6379)
        self.database = parts.path or "/0"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.drop_answers = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.listener.getsockname()[1]}{self.database}"

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source, target, answers):
        try:
            while data := source.recv(65536):
                if answers and self.drop_answers:
                    break
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self):
        self.listener.close()


@pytest.fixture
def proxy(redis_counts, settings):
    proxy = AnswerDroppingProxy(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)
    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = proxy.url
    yield proxy
    proxy.close()


def test_a_call_whose_answer_was_lost_waits_for_redis_to_say_it_was_counted(beacons, proxy, articles):
    """Redis ran the call but its answer never came: the lines do not go to the
    database (they would count twice); once Redis answers, the segment's marker says
    they were counted, and they are not counted again."""
    first, second = articles
    beacons.view(first.pk)
    spool.ship_now()  # connected, through the proxy
    proxy.drop_answers = True
    beacons.view(second.pk)
    assert spool.ship_now() == 0  # sent, counted by Redis, unanswered: waiting
    assert spool.ship_now() == 0  # still waiting (Redis is retried after a moment)
    assert not RecentView.objects.exists()  # nothing went to the database
    proxy.drop_answers = False
    spool._this_process().redis_skipped_until = 0.0  # the moment is over
    assert spool.ship_now() > 0  # moved past the segment by its marker
    assert flush.flush_counts() == 1
    assert totals(first, second) == [1, 1]


def test_redis_that_stays_away_after_a_lost_answer_is_given_up_on(beacons, proxy, articles, monkeypatch):
    """Waiting is bounded: after UNANSWERED_GIVE_UP_SECONDS the lines go to the database
    (if Redis had counted the unanswered call, it is then counted twice; see 0015)."""
    first, second = articles
    beacons.view(first.pk)
    spool.ship_now()
    proxy.drop_answers = True
    beacons.view(second.pk)
    assert spool.ship_now() == 0
    monkeypatch.setattr(spool, "UNANSWERED_GIVE_UP_SECONDS", 0.0)
    assert spool.ship_now() > 0
    assert totals(first, second) == [0, 1]  # the second in the database; the first waits in Redis


def test_the_flush_command_waits_for_a_live_workers_spool_to_be_shipped(redis_counts, articles):
    """It leaves a live worker's spool to that worker (only its offset knows what went to
    the database) and waits until the worker's offset reaches what the spool held."""
    first, _ = articles
    folder = spool.directory()
    folder.mkdir(parents=True)
    path = folder / "beacons-999998-1-live.spool"
    lines = view_line(first, visitor=visitor(1))
    worker = textwrap.dedent(f"""
        import fcntl, os
        fd = os.open({str(path)!r}, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, {lines!r})
        print("written", flush=True)
        input()
    """)
    process = subprocess.Popen([sys.executable, "-c", worker], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "written\n"
        assert spool.ship_everything() == 0  # not ours to ship
        assert spool.wait_for_live_spools(0.0) is False
        (folder / (path.name + ".shipped")).write_text(f"{len(lines):020d}\n")  # what its shipper writes
        assert spool.wait_for_live_spools(0.0) is True
    finally:
        process.kill()
        process.wait()
