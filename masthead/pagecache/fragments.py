"""Fragment caches: pieces of pages (site chrome, article bodies, the chosen ads) kept in
the shared cache between renders.

Every fragment's key carries a generation number that every purge increments, so the
same events that purge pages (publish, edit, settings, ads) retire the fragments too.
Publishing is rare next to reading, so a global generation costs little and can never
leave a stale fragment behind.
"""

from __future__ import annotations

from django.core.cache import cache

GENERATION_KEY = "masthead:fragments:generation"


def generation(request=None) -> int:
    """Read once per request: every fragment of one page comes from the same generation."""
    if request is not None and hasattr(request, "_masthead_fragment_generation"):
        return request._masthead_fragment_generation
    value = cache.get(GENERATION_KEY) or 0
    if request is not None:
        request._masthead_fragment_generation = value
    return value


def bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cached(name: str, build, *, request=None, timeout: int = 3600):
    key = f"masthead:fragment:{generation(request)}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
