"""Fixed-window rate limits shared by every worker: in Redis when the site has one, in
the database otherwise (and while Redis is down, so a Redis restart never opens the
gates).

    if not ratelimit.allow("comment-ip", ip, limit=5, window_seconds=60):
        ...refuse with 429

A window is counted from a multiple of its length, so two bursts that straddle a
boundary may get up to twice the limit; for abuse limits that is the usual trade for one
counter per window instead of a log of every hit.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.db import connection

from masthead.core.redis_clients import SharedClient

logger = logging.getLogger(__name__)
# After Redis failed to answer, it is left alone this long: a host that drops packets
# would otherwise cost every limited request the full connect timeout.
REDIS_BACKOFF_SECONDS = 5.0
# A limit check waits at most this long for Redis before counting in the database.
REDIS_TIMEOUT_SECONDS = 1.0
_redis_client = SharedClient(timeout_seconds=REDIS_TIMEOUT_SECONDS)
_redis_skipped_until = 0.0


def _bucket(name: str, key: str) -> str:
    # Keys may be addresses: hashed, so neither Redis nor the table holds them in clear.
    digest = hashlib.blake2b(
        f"{name}\0{key}".encode(), digest_size=16, key=settings.SECRET_KEY.encode()[:64]
    ).hexdigest()
    return f"{name}:{digest}"


def allow(name: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit of `key` under `name`; False once it passed `limit` in this window."""
    return hits(name, key, window_seconds=window_seconds) <= limit


def retry_after(window_seconds: int) -> int:
    """Seconds until the current window ends, for a refusal's Retry-After header."""
    return window_seconds - int(time.time()) % window_seconds


def hits(name: str, key: str, *, window_seconds: int) -> int:
    """Count one hit and say how many this window has seen, this one included."""
    window = int(time.time()) // window_seconds * window_seconds
    bucket = _bucket(name, key)
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL and time.monotonic() >= _redis_skipped_until:
        counted = _redis_hits(bucket, window, window_seconds)
        if counted is not None:
            return counted
    return _database_hits(bucket, window, window_seconds)


def seen(name: str, key: str, *, window_seconds: int) -> int:
    """How many hits `key` had under `name` this window, without counting one: for limits
    that count only failures, checked before the attempt."""
    window = int(time.time()) // window_seconds * window_seconds
    bucket = _bucket(name, key)
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL and time.monotonic() >= _redis_skipped_until:
        import redis

        try:
            return int(_redis().get(f"masthead:ratelimit:{bucket}:{window}") or 0)
        except redis.RedisError:
            pass  # as hits() does: the database's count stands in while Redis is away
    from masthead.core.models import RateLimitCounter

    counter = RateLimitCounter.objects.filter(bucket=bucket, window_start=window).values_list("hits", flat=True)
    return next(iter(counter), 0)


def _redis():
    return _redis_client.get(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)


def _redis_hits(bucket: str, window: int, window_seconds: int) -> int | None:
    global _redis_skipped_until
    import redis

    key = f"masthead:ratelimit:{bucket}:{window}"
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window_seconds + 1)
        count, _ = pipe.execute()
        return int(count)
    except redis.RedisError as error:
        _redis_skipped_until = time.monotonic() + REDIS_BACKOFF_SECONDS
        logger.warning(
            "Rate limits: Redis unreachable (%r), counting in the database for %s s", error, REDIS_BACKOFF_SECONDS
        )
        return None


def _database_hits(bucket: str, window: int, window_seconds: int) -> int:
    from masthead.core.models import RateLimitCounter

    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    expires = window + window_seconds
    # One statement: concurrent hits from other workers add up instead of overwriting.
    # One statement, atomic by itself: no transaction around it.
    with connection.cursor() as cursor:
        # The table name is the model's own; every value is a parameter.
        upsert = (
            f"INSERT INTO {table} (bucket, window_start, expires_at, hits) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
        )
        cursor.execute(
            upsert,
            [bucket, window, expires],
        )
        return int(cursor.fetchone()[0])


def forget_expired() -> int:
    """Delete windows that ended (a periodic job)."""
    from masthead.core.models import RateLimitCounter

    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=int(time.time())).delete()
    return deleted


def reset_for_tests() -> None:
    global _redis_skipped_until
    _redis_client.forget()
    _redis_skipped_until = 0.0
