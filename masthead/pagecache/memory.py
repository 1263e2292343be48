"""Process memory that every purge retires.

A cache in one worker's memory cannot be purged from another process. So every value
kept here belongs to one fragment generation (`masthead.pagecache.fragments`), which
every purge replaces: the generation is read from the shared cache once per request, and
a new one empties this memory before anything is read from it. See decision 0007.

The threads of a worker share the values: treat them as read-only.
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

_MISSING = object()
_every_memory: weakref.WeakSet[GenerationMemory] = weakref.WeakSet()


class GenerationMemory:
    """A bounded, least-recently-used store for one generation's values."""

    def __init__(self, name: str, *, max_entries: int):
        self.name = name
        self.max_entries = max_entries
        self._generation: object = _MISSING
        self._values: OrderedDict[Any, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _every_memory.add(self)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, generation, key, default=None):
        with self._lock:
            if generation != self._generation:
                self._values.clear()
                self._generation = generation
                return default
            found = self._values.get(key, _MISSING)
            if found is _MISSING:
                return default
            expires, value = found
            if expires is not None and expires <= time.monotonic():
                del self._values[key]
                return default
            self._values.move_to_end(key)
            return value

    def set(self, generation, key, value, *, timeout: float | None = None) -> None:
        expires = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            if generation != self._generation:
                return  # built under a generation that has since been replaced
            self._values[key] = (expires, value)
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def get_or_build(self, generation, key, build: Callable[[], Any], *, timeout: float | None = None):
        value = self.get(generation, key, _MISSING)
        if value is _MISSING:
            value = build()
            self.set(generation, key, value, timeout=timeout)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation = _MISSING


def new_generation() -> str:
    """A generation token: never a count, which two purges at once (or a store that lost
    the key and started again) could bring back to a value a worker still holds."""
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def clear_every_memory() -> None:
    """For tests, whose rolled-back rows never commit and so never bump the generation."""
    for memory in list(_every_memory):
        memory.clear()
