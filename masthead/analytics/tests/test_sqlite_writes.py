"""On the embedded SQLite default the beacon writes the tables in the request: a
worker's beacons go in groups of one transaction, and the workers' groups take turns at
a lock file instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from masthead.analytics import counting
from masthead.analytics.models import PageViewTotal
from masthead.news.tests.factories import make_article


def test_sqlite_writers_of_two_workers_take_turns_at_a_lock_file(tmp_path):
    # Queued only at SQLite's own lock, one worker's beacons slept in SQLite's busy
    # handler (up to 100 ms a retry) while another's wrote: p99 600 ms in the bench.
    # A forked worker must not share its parent's lock either (a flock belongs to the
    # open file, which a fork shares).
    writers = counting.SqliteWriters(lock_path=str(tmp_path / "writers.lock"))
    inside = tmp_path / "the other worker wrote"
    with writers.turn():
        other = multiprocessing.get_context("fork").Process(target=_take_a_turn, args=(writers, inside))
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive() and not inside.exists()  # waiting for this worker's turn to end
    other.join(timeout=10)
    assert other.exitcode == 0 and inside.exists()


def _take_a_turn(writers, inside):
    with writers.turn():
        inside.touch()


class HeldWrites:
    """A group write that holds the first group until released, so that the items
    submitted meanwhile queue for the next one."""

    def __init__(self):
        self.groups: list[list] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()

    def __call__(self, items):
        self.groups.append(list(items))
        if len(self.groups) == 1:
            self.first_started.set()
            self.release_first.wait(10)
        return [f"stored {item}" for item in items]


def _submit_in_threads(group, items):
    results = {}
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, group.submit(i))) for i in items]
    for thread in threads:
        thread.start()
    return threads, results


def test_items_arriving_during_a_write_go_together_in_the_next_and_each_gets_its_own_result():
    writes = HeldWrites()
    group = counting.GroupCommit(writes)
    first, first_results = _submit_in_threads(group, ["a"])
    assert writes.first_started.wait(10)
    queued, results = _submit_in_threads(group, ["b", "c", "d"])
    while len(group._queue) < 3:  # all three queued behind the write under way
        threading.Event().wait(0.01)
    writes.release_first.set()
    for thread in first + queued:
        thread.join(10)
    assert writes.groups[0] == ["a"]
    assert sorted(writes.groups[1]) == ["b", "c", "d"] and len(writes.groups) == 2
    assert first_results == {"a": "stored a"}
    assert results == {"b": "stored b", "c": "stored c", "d": "stored d"}


def test_a_write_that_raised_tells_its_group_and_the_next_group_is_written():
    calls = []

    def write(items):
        calls.append(items)
        if len(calls) == 1:
            raise RuntimeError("disk gone")
        return ["ok"] * len(items)

    group = counting.GroupCommit(write)
    with pytest.raises(RuntimeError):
        group.submit("first")
    assert group.submit("second") == "ok"


@pytest.mark.django_db(transaction=True)
def test_beacons_of_many_threads_are_each_counted_once_on_sqlite(site_tree):
    # Each thread a reader of its own, and every reader twice: the second beacon of a
    # reader, in the same group or a later one, finds the first's claim.
    article = make_article(site_tree.sections["news"])
    view = counting.Counted("view", article.pk)
    readers = [f"{n:032x}" for n in range(24)]
    outcomes = []

    def read(visitor):
        from django.db import connection

        try:
            outcomes.extend(counting.count_once(view, visitor=visitor, now=1_800_000_000.0) for _ in range(2))
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(visitor,)) for visitor in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == [False] * 24 + [True] * 24
    assert PageViewTotal.objects.get(page=article).views == 24
