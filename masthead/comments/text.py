"""What a reader writes, made safe to store and to show.

Comments are plain text: paragraphs, line breaks and links to web addresses, nothing
else. Everything is escaped first; nh3 then cleans the result as a last guard, so a
mistake here can never let markup through.
"""

import html
import re
import unicodedata

import nh3

# Bidirectional overrides and isolates can make text display in an order other than the
# one it was written in (names that impersonate, links that lie); letters of right-to-left
# scripts keep their direction without them.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_ALLOWED_TAGS = {"p", "br", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks and tabs), bidirectional overrides
    and lone surrogates; normalise line ends and compose characters (NFC)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI_CONTROLS)
    text = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in {"Cc", "Cs", "Co", "Cn"}
    )
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Django's EmailField, and every address column of the app.
EMAIL_MAX_LENGTH = 254


def normalised_email(value: str) -> str:
    """An address as it is kept and compared: trimmed, in lower case. Lower case can be
    longer than what was typed ("İ" becomes "i" and a combining dot: a 167-character
    address becomes 257), so a length is checked on what this returns, never before."""
    return value.strip().lower()


def email_length_problem(email: str) -> str:
    """Why a normalised address does not fit where it is kept, or ""."""
    if len(email) <= EMAIL_MAX_LENGTH:
        return ""
    return (
        f"An email address may be at most {EMAIL_MAX_LENGTH} characters long in lower case; this one has {len(email)}."
    )


def clean_line(text: str) -> str:
    """A name: one line, spaces collapsed."""
    return " ".join(clean_text(text).split())


def link_count(text: str) -> int:
    return len(_URL.findall(text))


def _link(match: re.Match) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in _TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # a balanced parenthesis belongs to the address (Wikipedia's)
        trailing = url[-1] + trailing
        url = url[:-1]
    shown = url if len(url) <= 60 else url[:57] + "…"
    return f'<a href="{html.escape(url)}">{html.escape(shown)}</a>{html.escape(trailing)}'


def _linked(line: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(line):
        out.append(html.escape(line[last : match.start()]))
        out.append(_link(match))
        last = match.end()
    out.append(html.escape(line[last:]))
    return "".join(out)


def render(text: str) -> str:
    """Paragraphs from blank lines, line breaks from single ones, web addresses as links
    with rel="nofollow ugc"."""
    paragraphs = [part for part in clean_text(text).split("\n\n") if part.strip()]
    rendered = "".join("<p>" + "<br>".join(_linked(line) for line in part.split("\n")) + "</p>" for part in paragraphs)
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
