"""Telling one reader's visit from another without keeping who they are.

A visitor is blake2b(day's salt, address + user agent + what was viewed). The salt is a
random secret of the UTC day (`DailySalt`), made on first use and deleted by the periodic
job half an hour after the day is over: from then on no one, the site included, can work
out whose a hash was. The hash lives only in the dedupe store (Redis for 30 minutes, or
`RecentView` until its row expires); counts never hold it.

In the first half hour of a day a beacon is also hashed with yesterday's salt, and the
dedupe store checks that hash too (`visitor_keys`): a reader who opened the article at
23:55 is not counted again at 00:05 because the salt changed in between.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from masthead.core.client import address_from_environ

SECONDS_PER_DAY = 86_400
# The dedupe window (counting.DEDUPE_SECONDS; not imported, counting imports the tables):
# yesterday's salt is kept and used this long into a day.
EARLIER_SALT_SECONDS = 30 * 60
# Between a beacon's hash and the one made with yesterday's salt, in the first half hour.
EARLIER = "+"
_salts: dict[int, bytes | None] = {}
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
                _remember(day, salt)
    return salt


def earlier_salt(now: float) -> bytes | None:
    """Yesterday's salt in the first half hour of a day (None after it, or if yesterday
    had none: no one was counted then)."""
    if now % SECONDS_PER_DAY >= EARLIER_SALT_SECONDS:
        return None
    day = utc_day_number(now) - 1
    if day not in _salts:
        with _salts_lock:
            if day not in _salts:
                _remember(day, _load_salt(day))
    return _salts[day]


def _remember(day: int, salt: bytes | None) -> None:
    """With the lock held: keep this day's salt and the day before's, no older."""
    for older in [known for known in _salts if known < day - 1]:
        del _salts[older]
    _salts[day] = salt


def _date_of(day: int):
    import datetime

    return datetime.date(1970, 1, 1) + datetime.timedelta(days=day)


def _load_salt(day: int) -> bytes | None:
    from masthead.analytics.models import DailySalt

    salt = DailySalt.objects.filter(day=_date_of(day)).values_list("salt", flat=True).first()
    return salt.encode() if salt else None


def _load_or_make_salt(day: int) -> bytes:
    from masthead.analytics.models import DailySalt

    # get_or_create: two workers making the day's salt at once both end up with the one
    # that was stored first.
    row, _ = DailySalt.objects.get_or_create(day=_date_of(day), defaults={"salt": secrets.token_hex(32)})
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
        if len(_keyed) > 1:  # today's and, in the first half hour, yesterday's
            _keyed.clear()
        _keyed[salt] = keyed
    hasher = keyed.copy()
    hasher.update(f"{address}\0{user_agent}\0{viewed}".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def visitor_keys(*, now: float, address: str, user_agent: str, viewed: str) -> str:
    """The visitor's hash for the dedupe store: today's, and in the first half hour of a
    day `<today's>+<yesterday's>`, which the stores check as well (counting and spool)."""
    key = visitor_hash(salt=day_salt(now), address=address, user_agent=user_agent, viewed=viewed)
    if now % SECONDS_PER_DAY < EARLIER_SALT_SECONDS and (earlier := earlier_salt(now)) is not None:
        return key + EARLIER + visitor_hash(salt=earlier, address=address, user_agent=user_agent, viewed=viewed)
    return key


def client_address(environ, *, hops: int | None = None) -> str:
    """The reader's address by the rule rate limits use (MASTHEAD_PROXY_HOPS, or `hops`
    when the caller read it already)."""
    return address_from_environ(environ, hops=hops)


def forget_old_salts(now: float | None = None) -> int:
    """Delete the salts of days that are over, yesterday's once the first half hour of
    today is (a periodic job)."""
    from masthead.analytics.models import DailySalt

    now = time.time() if now is None else now
    kept_from = utc_day_number(now) - (1 if now % SECONDS_PER_DAY < EARLIER_SALT_SECONDS else 0)
    deleted, _ = DailySalt.objects.filter(day__lt=_date_of(kept_from)).delete()
    return deleted


def reset_for_tests() -> None:
    _salts.clear()
    _keyed.clear()
