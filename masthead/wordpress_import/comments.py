"""A post's WordPress comments as Masthead comments, threads kept.

They go through the comments app's own import (comments.exchange.comments_import): the
same checks, the same tree bookkeeping and the same idempotence (each comment keyed on
`wordpress:<comment id>` within its article), so importing a fresh export again updates
comments instead of adding copies, and nobody is mailed.

WordPress stores a comment as the little HTML its comment form allows (links, emphasis,
quotes) and adds paragraphs on display; Masthead's comments are plain text with
paragraphs and linked addresses, so the HTML becomes that text here: a link keeps its
words and its address, everything else keeps its words.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from masthead.comments import exchange
from masthead.comments.models import Comment, Discussion
from masthead.comments.text import email_length_problem, normalised_email
from masthead.wordpress_import import wxr

ID_PREFIX = "wordpress:"
ANONYMOUS = "Anonymous"  # WordPress's own word for a comment without a name
PINGBACK_TYPES = ("pingback", "trackback")
_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "svg", "math"}


@dataclass
class CommentsResult:
    created: int = 0
    updated: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


class _Text(HTMLParser):
    """A comment's HTML as plain text: block ends as blank lines, <br> as a line break,
    a link as its words followed by its address (once, when the words are not it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_WITH_CONTENT:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROPPED_WITH_CONTENT:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href.startswith(("http://", "https://")) and href.rstrip("/") != words.rstrip("/"):
                self.parts.append(f" ({href})" if words else href)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def comment_text(content: str) -> str:
    """WordPress's comment HTML as the plain text Masthead's comments hold."""
    # WordPress turns line breaks into paragraphs and <br> on display (wpautop).
    parser = _Text()
    parser.feed(content.replace("\r\n", "\n"))
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def import_comments(article, item: wxr.Item, *, keep_pingbacks: bool) -> CommentsResult:
    """Bring `item`'s comments onto `article` and close its discussion if WordPress had
    comments closed on the post."""
    result = CommentsResult()
    kept: dict[int, dict] = {}
    skipped_ids: dict[int, int | None] = {}  # a skipped comment's parent: its replies move up
    for comment in sorted(item.comments, key=lambda c: c.wordpress_id or 0):
        reason = _skip_reason(comment, keep_pingbacks=keep_pingbacks)
        if reason is None:
            entry = _entry(comment, item, result)
            if entry is not None:
                kept[comment.wordpress_id] = entry
                continue
            reason = "comments without any text"
        result.skip(reason)
        if comment.wordpress_id is not None:
            skipped_ids[comment.wordpress_id] = comment.parent_id
    entries = _threaded(kept, skipped_ids, result)
    if entries:
        report = exchange.comments_import(
            article, {"format": exchange.FORMAT, "version": exchange.VERSION, "comments": entries}
        )
        result.created, result.updated = report.created, report.updated
    if item.comment_status == "closed":
        Discussion.objects.update_or_create(page_id=article.pk, defaults={"closed": True})
    return result


def _skip_reason(comment: wxr.Comment, *, keep_pingbacks: bool) -> str | None:
    if comment.wordpress_id is None:
        return "comments without an id"
    if comment.approved == "spam":
        return "spam comments"
    if comment.approved == "trash":
        return "comments in WordPress's trash"
    if comment.comment_type in PINGBACK_TYPES and not keep_pingbacks:
        return f"{comment.comment_type}s (--keep-pingbacks imports them)"
    return None


def _entry(comment: wxr.Comment, item: wxr.Item, result: CommentsResult) -> dict | None:
    body = comment_text(comment.content)[: exchange.MAX_BODY]
    if not body:
        return None
    where = f"comment {comment.wordpress_id} on post {item.wordpress_id}"
    # Lower case first: it can be longer than the export's spelling ("İ" is two letters).
    email = normalised_email(" ".join(comment.author_email.split()))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            result.warnings.append(f"{where}: “{email[:60]}” is not an email address; left out")
            email = ""
        else:
            if email_length_problem(email):  # the comments' own import would refuse the article's every comment
                result.warnings.append(f"{where}: the address “{email[:60]}…” is too long to keep; left out")
                email = ""
    url = " ".join(comment.author_url.split())
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            result.warnings.append(f"{where}: “{url[:60]}” is not a web address; left out")
            url = ""
        if len(url) > 200:
            url = ""
    address = None
    if comment.author_ip:
        try:
            address = str(ipaddress.ip_address(comment.author_ip.strip()))
        except ValueError:
            result.warnings.append(f"{where}: “{comment.author_ip[:60]}” is not a network address; left out")
    created = comment.date_gmt or item.date_gmt or datetime.datetime.now(datetime.UTC)
    return {
        "id": f"{ID_PREFIX}{comment.wordpress_id}",
        "parent": comment.parent_id,  # made an id of this file by _threaded
        "author_name": " ".join(comment.author.split())[:80] or ANONYMOUS,
        "author_email": email,
        "author_url": url,
        "body": body,
        "status": Comment.Status.APPROVED if comment.approved == "1" else Comment.Status.PENDING,
        "ip_address": address,
        "created_at": created.isoformat(),
    }


def _threaded(kept: dict[int, dict], skipped_ids: dict[int, int | None], result: CommentsResult) -> list[dict]:
    """The comments with parents before replies, each parent an id in the list: a reply
    to a comment that is not imported (spam, a pingback) answers that comment's parent;
    a reply to a comment the export lacks, or one deeper than Masthead keeps, moves up
    to the deepest ancestor that fits."""
    parent_of: dict[int, int | None] = {}
    for wordpress_id, entry in kept.items():
        parent, seen = entry["parent"], set()
        while parent is not None and parent not in kept and parent not in seen:
            seen.add(parent)
            parent = skipped_ids.get(parent)  # None when the export lacks it
        if entry["parent"] is not None and parent is None and entry["parent"] not in skipped_ids:
            result.warnings.append(
                f"comment {wordpress_id} answers comment {entry['parent']}, which the export lacks; a comment of its own"
            )
        parent_of[wordpress_id] = parent if parent in kept else None

    depth: dict[int, int] = {}
    ordered: list[int] = []
    for start_id in kept:
        # Up to the first ancestor already placed, then placed from the top down (no
        # recursion: an export may hold thousands of replies, each to the one before).
        chain: list[int] = []
        on_chain: set[int] = set()
        node = start_id
        while node is not None and node not in depth:
            if node in on_chain:  # the export's replies form a loop: cut it here
                parent_of[chain[-1]] = None
                break
            chain.append(node)
            on_chain.add(node)
            node = parent_of[node]
        for node in reversed(chain):
            parent = parent_of[node]
            while parent is not None and depth[parent] + 1 > exchange.MAX_DEPTH:
                parent = parent_of[parent]
            parent_of[node] = parent
            depth[node] = depth[parent] + 1 if parent is not None else 0
            ordered.append(node)
    entries = []
    for wordpress_id in ordered:
        parent = parent_of[wordpress_id]
        entries.append({**kept[wordpress_id], "parent": f"{ID_PREFIX}{parent}" if parent is not None else None})
    return entries
