"""Fragment caches: pieces of pages (site chrome, article bodies, the chosen ads) kept
between renders, in this worker's memory and in the shared cache.

Every fragment belongs to a generation that every purge replaces, so the same events
that purge pages (publish, edit, settings, ads) retire the fragments too. Publishing is
rare next to reading, so a global generation costs little and can never leave a stale
fragment behind. The generation is a fresh token each time, never a counter, so two
purges at once, or a cache that lost the key, can never bring an old one back.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from masthead.pagecache.memory import GenerationMemory, new_generation

GENERATION_KEY = "masthead:fragments:generation"
# Rendered fragments are small strings or a few model instances; a few hundred of them
# cover the chrome, the ads and the articles being read right now.
_local = GenerationMemory("fragments", max_entries=250)


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


# The generation of the request this thread is serving (FragmentGenerationMiddleware), for
# code that has no request at hand, such as a page's view restrictions.
_request_generation: ContextVar[str | None] = ContextVar("masthead_fragment_generation", default=None)


def generation(request=None) -> str:
    """Read once per request: every fragment of one page comes from the same generation."""
    if request is not None and hasattr(request, "_masthead_fragment_generation"):
        return request._masthead_fragment_generation
    if request is None and (pinned := _request_generation.get()) is not None:
        return pinned
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = new_generation()
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY, value)
    if request is not None:
        request._masthead_fragment_generation = value
    return value


@contextmanager
def pinned_for(request):
    """Within a request: every generation() call, with the request or without, agrees."""
    token = _request_generation.set(generation(request))
    try:
        yield
    finally:
        _request_generation.reset(token)


def bump() -> None:
    cache.set(GENERATION_KEY, new_generation(), None)


def cached(name: str, build, *, request=None, timeout: int = 3600):
    """The fragment called `name` in this generation: from this worker's memory, else the
    shared cache, else built (and kept in both)."""
    current = generation(request)
    value = _local.get(current, name)
    if value is not None:
        return value
    key = f"masthead:fragment:{code_version()}:{current}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    _local.set(current, name, value, timeout=timeout)
    return value
