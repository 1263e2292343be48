"""A worker's memory: a bounded, least-recently-used store shared by the worker's threads.

Memory in one process cannot be purged from another, so nothing here is trusted on its
own: each user checks a value before it uses it. The page stores check a remembered page
against the stored one (the file's identity, the Redis entry's stamp); fragments and the
other remembered values check the generation they were built at against the last purge
of each of their keys (`masthead.pagecache.fragments`, decision 0008).

The threads of a worker share the values: treat them as read-only.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from typing import Any

_MISSING = object()
_every_memory: weakref.WeakSet[WorkerMemory] = weakref.WeakSet()


class WorkerMemory:
    def __init__(self, name: str, *, max_entries: int):
        self.name = name
        self.max_entries = max_entries
        self._values: OrderedDict[Any, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _every_memory.add(self)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key, default=None):
        with self._lock:
            found = self._values.get(key, _MISSING)
            if found is _MISSING:
                return default
            expires, value = found
            if expires is not None and expires <= time.monotonic():
                del self._values[key]
                return default
            self._values.move_to_end(key)
            return value

    def set(self, key, value, *, timeout: float | None = None) -> None:
        expires = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._values[key] = (expires, value)
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def discard(self, key) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_every_memory() -> None:
    """For tests, whose rolled-back rows never commit and so never purge."""
    for memory in list(_every_memory):
        memory.clear()
