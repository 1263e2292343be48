"""Snippets for search results: the passage that matched, with the words marked.

The search backends stem words ("harbours" finds "harbour"), so a word is marked when it
starts with the stem of a term the reader typed, a plain imitation of the backends'
stemmers that needs no second round trip to the database (PostgreSQL's ts_headline
would, and SQLite's snippet() reads the index's copy of the text, not the article's).
"""

from __future__ import annotations

import re
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+")
SNIPPET_WORDS = 36
WORDS_BEFORE_MATCH = 10
# English endings the stemmer removes; longer first, so "ing" goes before "s".
ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s")
# Enough text before a match to hold WORDS_BEFORE_MATCH words of any usual length.
LOOK_BACK_CHARACTERS = 400


def stems(terms: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    for term in terms:
        stem = term.casefold()
        for ending in ENDINGS:
            if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                stem = stem[: -len(ending)]
                break
        found.append(stem)
    return tuple(found)


def matcher(terms: tuple[str, ...]) -> re.Pattern | None:
    """A pattern for the words to mark: those that start with a term's stem."""
    term_stems = sorted(set(stems(terms)), key=len, reverse=True)
    if not term_stems:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, term_stems)) + r")\w*", re.IGNORECASE)


def highlight(text: str, terms: tuple[str, ...], *, pattern: re.Pattern | None = None) -> SafeString:
    """The text, escaped, with each matching word in <mark>."""
    pattern = pattern or matcher(terms)
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above


def snippet(text: str, terms: tuple[str, ...], *, fallback: str = "") -> SafeString:
    """About SNIPPET_WORDS words of `text` around its first match, marked; `fallback`
    (the standfirst) when the text has no match, as for an article found by its byline."""
    pattern = matcher(terms)
    first = pattern.search(text) if pattern else None
    if first is None:
        return highlight(_first_words(fallback or text), terms, pattern=pattern)
    look_back = max(0, first.start() - LOOK_BACK_CHARACTERS)
    before = [word.start() for word in WORD.finditer(text, look_back, first.start())]
    begin = (
        before[-WORDS_BEFORE_MATCH] if len(before) >= WORDS_BEFORE_MATCH else (before[0] if before else first.start())
    )
    if len(before) < WORDS_BEFORE_MATCH and look_back == 0:
        begin = 0
    words = list(islice(WORD.finditer(text, begin), SNIPPET_WORDS + 1))
    cut = len(words) > SNIPPET_WORDS
    # To the end of the text when the window reaches it, so the last sentence keeps its stop.
    end = words[SNIPPET_WORDS - 1].end() if cut else len(text)
    passage = highlight(text[begin:end], terms, pattern=pattern)
    return mark_safe(("… " if begin > 0 else "") + passage + (" …" if cut else ""))  # noqa: S308 - escaped


def _first_words(text: str) -> str:
    words = list(islice(WORD.finditer(text), SNIPPET_WORDS + 1))
    if len(words) <= SNIPPET_WORDS:
        return text
    return text[: words[SNIPPET_WORDS - 1].end()] + " …"
