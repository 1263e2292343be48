"""Cursors for "older" links: a position in a newest-first listing of (published_at, id)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_ID = 2**31 - 1  # page ids are 32-bit on PostgreSQL; larger ones cannot exist
MAX_MICROS = 253_402_300_799_000_000  # the end of year 9999
BROKEN_OLDER_LINK = "That “older” link is broken. Start again from the first page."
# Exactly what encode() prints: int() would also read "01", "+1_0" or other scripts' digits,
# and each spelling of one page would be a page of its own to the page cache.
PRINTED_CURSOR = re.compile(r"(0|[1-9][0-9]{0,17})-([1-9][0-9]{0,9})")


class InvalidCursor(ValueError):
    """A pagination link was edited or truncated."""


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    pk: int

    def encode(self) -> str:
        micros = int(self.published_at.timestamp() * 1_000_000)
        return f"{micros}-{self.pk}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        printed = PRINTED_CURSOR.fullmatch(raw)
        if printed is None:
            raise InvalidCursor(raw)
        try:
            micros, pk = (int(part) for part in printed.groups())
            if not (0 < pk <= MAX_ID and 0 <= micros <= MAX_MICROS):
                raise ValueError("out of range")
            return cls(published_at=datetime.fromtimestamp(micros / 1_000_000, tz=UTC), pk=pk)
        except (ValueError, OverflowError, OSError) as error:
            raise InvalidCursor(raw) from error
