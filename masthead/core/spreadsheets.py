"""CSV for editors, who open it in a spreadsheet.

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" (or a tab or carriage
return before one) as a formula, and readers, contributors and other sites write much of
what the exports hold (names, messages, headlines, referrer domains): such cells get a
leading apostrophe, which the spreadsheet shows as text and does not run. `uncell` takes
that apostrophe off again, for a CSV that comes back (the newsletter's subscriber import):
a value that itself starts with apostrophes before such a character gets one more, so
`uncell(cell(value)) == value` for every value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def cell(value) -> str:
    """A value as a CSV cell a spreadsheet will not run."""
    text = "" if value is None else str(value)
    return "'" + text if _guarded(text) else text


def uncell(text: str) -> str:
    """The value `cell` made `text` from: the guarding apostrophe, and only that, removed."""
    return text[1:] if text.startswith("'") and _guarded(text[1:]) else text


class Echo:
    """A file-like object whose write returns the line: csv.writer over it makes the lines
    of a streamed response one at a time."""

    def write(self, value):
        return value


def csv_text(columns: Iterable[str], rows: Iterable[Iterable]) -> str:
    """A small table as CSV, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()
