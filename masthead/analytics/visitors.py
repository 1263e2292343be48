"""Telling one reader's visit from another without keeping who they are.

A visitor is blake2b(day's salt, address + user agent + what was viewed). The salt is a
random secret of the UTC day (`DailySalt`), made on first use and deleted by the periodic
job once the day is over: from then on no one, the site included, can work out whose a
hash was. The hash lives only in the dedupe store (Redis for 30 minutes, or `RecentView`
until its row expires); counts never hold it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from masthead.core.client import address_from_environ

SECONDS_PER_DAY = 86_400
_salts: dict[int, bytes] = {}
_salts_lock = threading.Lock()


def utc_day_number(now: float) -> int:
    return int(now) // SECONDS_PER_DAY


def day_salt(now: float | None = None) -> bytes:
    """The salt of the UTC day `now` falls in; read from the database once per process
    per day, made there by the first worker that needs it."""
    day = utc_day_number(time.time() if now is None else now)
    salt = _salts.get(day)
    if salt is None:
        with _salts_lock:
            salt = _salts.get(day)
            if salt is None:
                salt = _load_or_make_salt(day)
                _salts.clear()  # yesterday's is never needed again in this process
                _salts[day] = salt
    return salt


def _load_or_make_salt(day: int) -> bytes:
    import datetime

    from masthead.analytics.models import DailySalt

    date = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
    # get_or_create: two workers making the day's salt at once both end up with the one
    # that was stored first.
    row, _ = DailySalt.objects.get_or_create(day=date, defaults={"salt": secrets.token_hex(32)})
    return row.salt.encode()


# The day's hasher with its key already taken in: a copy of it hashes a beacon in half
# the time a new keyed hasher takes (the key is a block of its own to compress).
_keyed: dict[bytes, object] = {}


def visitor_hash(*, salt: bytes, address: str, user_agent: str, viewed: str) -> str:
    """32 hex characters; `viewed` names what was seen (a page, an ad event), so the same
    reader's visits to two articles are two different hashes."""
    keyed = _keyed.get(salt)
    if keyed is None:
        keyed = hashlib.blake2b(digest_size=16, key=salt[:64])
        _keyed.clear()  # yesterday's salt is never used again
        _keyed[salt] = keyed
    hasher = keyed.copy()
    hasher.update(f"{address}\0{user_agent}\0{viewed}".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def client_address(environ, *, hops: int | None = None) -> str:
    """The reader's address by the rule rate limits use (MASTHEAD_PROXY_HOPS, or `hops`
    when the caller read it already)."""
    return address_from_environ(environ, hops=hops)


def forget_old_salts(now: float | None = None) -> int:
    """Delete the salts of days that are over (a periodic job)."""
    import datetime

    from masthead.analytics.models import DailySalt

    today = datetime.date(1970, 1, 1) + datetime.timedelta(days=utc_day_number(time.time() if now is None else now))
    deleted, _ = DailySalt.objects.filter(day__lt=today).delete()
    return deleted


def reset_for_tests() -> None:
    _salts.clear()
    _keyed.clear()
