"""Fragment caches and remembered values: pieces of pages (site chrome, article bodies,
the chosen ads) and lookups (the Site, article routes) kept between renders, in this
worker's memory and, for fragments, in the shared cache.

Each value is kept with the cache keys of what it shows (`masthead.pagecache.keys`) and
the generation of the page store's clock it was built at (read once, at the start of
the request that built it). It is used while none of its keys was purged after that
generation: purging article A retires what shows A and nothing else, and a purge of
everything retires every value, since every value shows the site (decision 0008).

Per request, the clock is read once, and the last purge of each key at most once (one
round trip for all the keys a fragment names), so a page is built from one consistent
view whatever purges commit meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from masthead.pagecache.keys import SITE
from masthead.pagecache.memory import WorkerMemory
from masthead.pagecache.stores import configured_store
from masthead.pagecache.wsgi import GENERATION_ENVIRON

logger = logging.getLogger(__name__)
# A clock that cannot be read, or a value nothing can check: built again, never trusted.
NEVER = 2**62
_last_outage_logged = 0.0

# Rendered fragments are small strings or a few model instances; a few hundred of them
# cover the chrome, the ads and the articles being read right now.
_local = WorkerMemory("fragments", max_entries=250)


@dataclass(frozen=True, slots=True)
class Kept:
    """A value with what it shows and when it was built."""

    built_at: int
    keys: frozenset[str]
    value: Any


class Freshness:
    """One request's view of the purge clock, and its count of fragment hits."""

    def __init__(self, store=None, *, generation: int | None = None):
        self.store = store or configured_store()
        self.hits = 0
        self.misses = 0
        self._purged_at: dict[str, int] = {}
        if generation is None:
            try:
                generation = self.store.generation()
            except Exception:  # the store is down: build everything, keep nothing for later
                _log_outage()
                generation = 0  # before every epoch: what is built now never passes a check
        self.generation = generation

    def last_purge(self, keys: Iterable[str]) -> int:
        missing = [key for key in keys if key not in self._purged_at]
        if missing:
            try:
                self._purged_at.update(self.store.purged_at(missing))
            except Exception:
                _log_outage()
                return NEVER
        return max((self._purged_at[key] for key in keys), default=0)

    def holds(self, kept: Kept | None) -> bool:
        return kept is not None and self.last_purge(kept.keys) <= kept.built_at

    def keep(self, value, keys: Iterable[str]) -> Kept:
        return Kept(self.generation, frozenset({SITE, *keys}), value)


def _log_outage() -> None:
    """Once a minute at most: a down store would otherwise log on every fragment."""
    global _last_outage_logged
    if time.monotonic() - _last_outage_logged > 60:
        _last_outage_logged = time.monotonic()
        logger.exception("The page store's purge clock is unreachable; building every fragment")


_current: ContextVar[Freshness | None] = ContextVar("masthead_freshness", default=None)


def current(request=None) -> Freshness:
    """The request's view of the clock; outside a request, a fresh one."""
    if request is not None and hasattr(request, "_masthead_freshness"):
        return request._masthead_freshness
    pinned = _current.get()
    if pinned is not None:
        return pinned
    freshness = Freshness()
    if request is not None:
        request._masthead_freshness = freshness
    return freshness


@contextmanager
def pinned_for(request):
    """Within a request: every check, with the request at hand or without, agrees."""
    freshness = getattr(request, "_masthead_freshness", None)
    if freshness is None:
        generation = request.META.get(GENERATION_ENVIRON)
        freshness = request._masthead_freshness = Freshness(generation=generation)
    token = _current.set(freshness)
    try:
        yield freshness
    finally:
        _current.reset(token)


def remember(
    memory: WorkerMemory,
    key,
    build: Callable[[], Any],
    *,
    keys: Iterable[str] | Callable[[Any], Iterable[str]] = (),
    request=None,
    timeout: float | None = None,
):
    """A value kept in this worker's memory while none of its keys is purged. `keys` may
    be a function of the value (an article route names the article it found). A None
    is never kept: misses for random addresses would push out real values."""
    freshness = current(request)
    kept = memory.get(key)
    if freshness.holds(kept):
        return kept.value
    value = build()
    if value is not None:
        memory.set(key, freshness.keep(value, keys(value) if callable(keys) else keys), timeout=timeout)
    return value


@lru_cache(maxsize=1)
def code_version() -> str:
    """What this process renders with: its code, templates and static file names. Servers
    sharing a cache during a rolling deploy each keep their own fragments."""
    digest = hashlib.blake2b(digest_size=8)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html"} and "tests" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or ".") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def cached_entry(
    name: str,
    build: Callable[[], Any],
    *,
    keys: Iterable[str] | Callable[[], Iterable[str]] = (),
    request=None,
    timeout: int = 3600,
) -> Kept:
    """The fragment called `name`, from this worker's memory, else the shared cache, else
    built (and kept in both). `keys` names what it shows besides the site; a callable is
    called only when the fragment is built."""
    freshness = current(request)
    kept = _local.get(name)
    if freshness.holds(kept):
        freshness.hits += 1
        return kept
    shared_key = f"masthead:fragment:{code_version()}:{name}"
    kept = cache.get(shared_key)
    if freshness.holds(kept):
        freshness.hits += 1
    else:
        freshness.misses += 1
        value = build()
        kept = freshness.keep(value, keys() if callable(keys) else keys)
        cache.set(shared_key, kept, timeout)
    _local.set(name, kept, timeout=timeout)
    return kept


def cached(name: str, build: Callable[[], Any], **options):
    return cached_entry(name, build, **options).value
