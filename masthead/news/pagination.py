"""Cursors for "older" links: a position in a newest-first listing of (published_at, id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

BROKEN_OLDER_LINK = "That “older” link is broken. Start again from the first page."


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
        try:
            micros, pk = raw.split("-", 1)
            published_at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
            return cls(published_at=published_at, pk=int(pk))
        except (ValueError, OverflowError, OSError) as error:
            raise InvalidCursor(raw) from error
