"""GroupCommit: beacons that arrive while a worker's Redis call is under way go together
in the next call, each gets its own result, and a failed call leaves no one waiting."""

from __future__ import annotations

import threading
import time

import pytest

from masthead.analytics.counting import GroupCommit

WAIT_SECONDS = 10


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition was never met")
        time.sleep(0.001)


def in_threads(group_commit: GroupCommit, items) -> tuple[list[threading.Thread], dict]:
    results = {}

    def submit(item):
        try:
            results[item] = group_commit.submit(item)
        except RuntimeError as error:
            results[item] = error

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads, results


def test_a_beacon_alone_is_sent_at_once_without_waiting_for_others():
    calls = []
    group_commit = GroupCommit(lambda group: calls.append(list(group)) or [f"stored {item}" for item in group])
    assert group_commit.submit("a") == "stored a"
    assert group_commit.submit("b") == "stored b"
    assert calls == [["a"], ["b"]]
    assert group_commit.queued() == 0


def test_beacons_queued_during_a_call_share_the_next_one_each_with_its_own_result():
    calls = []
    first_call_held = threading.Event()

    def send(group):
        calls.append(list(group))
        if len(calls) == 1:
            first_call_held.set()
            wait_until(lambda: group_commit.queued() == 4)
        return [item.upper() for item in group]

    group_commit = GroupCommit(send)
    leader, first_results = in_threads(group_commit, ["a"])
    first_call_held.wait(WAIT_SECONDS)
    followers, results = in_threads(group_commit, ["b", "c", "d", "e"])
    for thread in leader + followers:
        thread.join(WAIT_SECONDS)
    assert calls == [["a"], sorted(calls[1])] and sorted(calls[1]) == ["b", "c", "d", "e"]
    assert first_results == {"a": "A"}
    assert results == {"b": "B", "c": "C", "d": "D", "e": "E"}
    assert group_commit.queued() == 0


def test_a_call_that_raises_tells_its_group_nothing_was_stored_and_the_next_group_still_goes():
    calls = []
    first_call_held = threading.Event()

    def send(group):
        calls.append(list(group))
        if len(calls) == 1:
            first_call_held.set()
            wait_until(lambda: group_commit.queued() == 3)
            return ["stored"]
        if len(calls) == 2:
            raise RuntimeError("a bug in the sender")
        return ["stored"] * len(group)

    group_commit = GroupCommit(send)
    leader, _ = in_threads(group_commit, ["a"])
    first_call_held.wait(WAIT_SECONDS)
    followers, results = in_threads(group_commit, ["b", "c", "d"])
    for thread in leader + followers:
        thread.join(WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in leader + followers)
    # The one that sent the group sees the error; the others are told "not stored" (None),
    # so each counts in the database instead.
    raised = [item for item, result in results.items() if isinstance(result, RuntimeError)]
    assert len(raised) == 1
    assert [result for item, result in results.items() if item not in raised] == [None, None]
    assert group_commit.submit("late") == "stored"


@pytest.mark.parametrize("size", [1, 7])
def test_every_beacon_gets_exactly_its_own_answer_under_load(size):
    group_commit = GroupCommit(lambda group: [("answer", item) for item in group])
    threads, results = in_threads(group_commit, [f"{size}-{n}" for n in range(size * 20)])
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert results == {item: ("answer", item) for item in results} and len(results) == size * 20
