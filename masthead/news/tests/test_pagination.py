"""A cursor has one spelling, the one "Older" links print: any other is a broken link."""

from datetime import UTC, datetime

import pytest

from masthead.news.pagination import Cursor, InvalidCursor


def test_a_printed_cursor_reads_back_as_the_same_position():
    position = Cursor(published_at=datetime(2026, 12, 3, 12, 0, 1, 123457, tzinfo=UTC), pk=42)

    assert position.encode() == "1796299201123457-42"
    assert Cursor.decode(position.encode()) == position


@pytest.mark.parametrize("raw", ["01-1", "001-1", "+1_0-1", "1_000-1", "1-01", " 1-1", "1-1 ", "\u0661-1", "1-+1"])
def test_another_spelling_of_a_valid_position_is_refused(raw):
    """int() would read each of these; storing every spelling of one page would let anyone
    fill the page cache with copies."""
    with pytest.raises(InvalidCursor):
        Cursor.decode(raw)
