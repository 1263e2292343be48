"""Reads: a page of a thread, its counts, and what one reader may see of their own.

A page of a thread is a fixed number of queries whatever the thread's size: the
discussion row, one page of top-level comments (a keyset cursor, never OFFSET), and
their replies in tree order (at most REPLIES_SHOWN per top-level comment, the rest one
link away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from masthead.comments.models import Comment, Discussion

PAGE_SIZE = 20
REPLIES_SHOWN = 50
MAX_CURSOR = 10**18


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    LIKED = "liked"
    CHOICES = {NEWEST: "Newest", OLDEST: "Oldest", LIKED: "Most liked"}
    DEFAULT = NEWEST

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in cls.CHOICES else cls.DEFAULT


class InvalidCursor(ValueError):
    pass


_THREAD_FIELDS = (
    "id",
    "page_id",
    "parent_id",
    "root_id",
    "depth",
    "path",
    "author_name",
    "author_email",
    "author_url",
    "body_html",
    "status",
    "is_staff_reply",
    "like_count",
    "reply_count",
    "created_at",
    "edited_at",
)


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return self.comment.status != Comment.Status.APPROVED


@dataclass
class ThreadPage:
    page_id: int
    sort: str
    approved_count: int
    closed: bool
    nodes: list[Node]
    next_cursor: str = ""
    cursor: str = ""
    hidden_replies: dict[int, int] = field(default_factory=dict)


def discussion_for(page_id: int) -> Discussion:
    return Discussion.objects.filter(page_id=page_id).first() or Discussion(page_id=page_id)


def _cursor_for(comment: Comment, sort: str) -> str:
    if sort == Sort.LIKED:
        return f"{comment.like_count}-{comment.pk}"
    return f"{int(comment.created_at.timestamp() * 1_000_000)}-{comment.pk}"


def _digits(text: str) -> bool:
    # ASCII only ("²" is a digit to isdigit() but not to int()) and short (int() refuses
    # strings of thousands of digits).
    return text.isascii() and text.isdigit() and len(text) <= 19


def _parse_cursor(cursor: str) -> tuple[int, int]:
    head, sep, tail = cursor.partition("-")
    if not (sep and _digits(head) and _digits(tail)) or head != str(int(head)) or tail != str(int(tail)):
        raise InvalidCursor(cursor)
    first, second = int(head), int(tail)
    if first > MAX_CURSOR or second > MAX_CURSOR:
        raise InvalidCursor(cursor)
    return first, second


def _after(queryset, *, sort: str, cursor: str):
    first, pk = _parse_cursor(cursor)
    if sort == Sort.LIKED:
        return queryset.filter(like_count__lt=first) | queryset.filter(like_count=first, id__lt=pk)
    try:
        moment = datetime.fromtimestamp(first / 1_000_000, tz=timezone.UTC)
    except (ValueError, OverflowError, OSError):  # past the year 9999
        raise InvalidCursor(cursor) from None
    if sort == Sort.OLDEST:
        return queryset.filter(created_at__gt=moment) | queryset.filter(created_at=moment, id__gt=pk)
    return queryset.filter(created_at__lt=moment) | queryset.filter(created_at=moment, id__lt=pk)


_ORDER = {
    Sort.NEWEST: ("-created_at", "-id"),
    Sort.OLDEST: ("created_at", "id"),
    Sort.LIKED: ("-like_count", "-id"),
}


def thread_page(*, page_id: int, sort: str = Sort.DEFAULT, cursor: str = "", limit: int = PAGE_SIZE) -> ThreadPage:
    """One page of top-level comments with their replies. Raises InvalidCursor."""
    discussion = discussion_for(page_id)
    if not discussion.approved_count and not cursor:
        # Nothing approved: no comment, and no removed one kept for its replies.
        return ThreadPage(page_id=page_id, sort=sort, approved_count=0, closed=discussion.closed, nodes=[])
    roots_query = Comment.objects.filter(page_id=page_id, in_thread=True, depth=0).only(*_THREAD_FIELDS)
    if cursor:
        roots_query = _after(roots_query, sort=sort, cursor=cursor)
    roots = list(roots_query.order_by(*_ORDER[sort])[: limit + 1])
    more = len(roots) > limit
    roots = roots[:limit]
    nodes, hidden = _with_replies(roots)
    return ThreadPage(
        page_id=page_id,
        sort=sort,
        approved_count=discussion.approved_count,
        closed=discussion.closed,
        nodes=nodes,
        next_cursor=_cursor_for(roots[-1], sort) if more else "",
        cursor=cursor,
        hidden_replies=hidden,
    )


def _with_replies(roots: list[Comment]) -> tuple[list[Node], dict[int, int]]:
    if not roots:
        return [], {}
    with_replies = [root.pk for root in roots if root.reply_count]
    replies = []
    if with_replies:
        numbered = (
            Comment.objects.filter(root_id__in=with_replies, in_thread=True)
            .only(*_THREAD_FIELDS)
            .annotate(place=Window(RowNumber(), partition_by=[F("root_id")], order_by=[F("path").asc()]))
        )
        replies = list(numbered.filter(place__lte=REPLIES_SHOWN).order_by("root_id", "path"))
    by_id = {root.pk: Node(root) for root in roots}
    shown_per_root: dict[int, int] = {}
    for reply in replies:
        node = Node(reply)
        by_id[reply.pk] = node
        parent = by_id.get(reply.parent_id)
        if parent is None:  # its parent was removed and left no placeholder
            parent = by_id[reply.root_id]
        parent.replies.append(node)
        if reply.status == Comment.Status.APPROVED:  # reply_count counts approved replies only
            shown_per_root[reply.root_id] = shown_per_root.get(reply.root_id, 0) + 1
    hidden = {
        root.pk: root.reply_count - shown_per_root.get(root.pk, 0)
        for root in roots
        if root.reply_count > shown_per_root.get(root.pk, 0)
    }
    return [by_id[root.pk] for root in roots], hidden


def replies_of(*, page_id: int, root_id: int) -> list[Node]:
    """A whole thread under one top-level comment (the "all replies" link)."""
    root = Comment.objects.filter(pk=root_id, page_id=page_id, depth=0, in_thread=True).only(*_THREAD_FIELDS).first()
    if root is None:
        return []
    by_id = {root.pk: Node(root)}
    for reply in Comment.objects.filter(root_id=root_id, in_thread=True).only(*_THREAD_FIELDS).order_by("path"):
        node = by_id[reply.pk] = Node(reply)
        (by_id.get(reply.parent_id) or by_id[root.pk]).replies.append(node)
    return [by_id[root.pk]]


def comment_counts(page_ids: list[int]) -> dict[int, int]:
    """Approved comments per page, for cards and the article's "Comments (N)"."""
    found = dict(Discussion.objects.filter(page_id__in=page_ids).values_list("page_id", "approved_count"))
    return {page_id: found.get(page_id, 0) for page_id in page_ids}


def like_counts(comment_ids: list[int]) -> dict[int, int]:
    return dict(
        Comment.objects.filter(pk__in=comment_ids, status=Comment.Status.APPROVED, like_count__gt=0).values_list(
            "id", "like_count"
        )
    )


def own_comments(*, page_id: int, comment_ids: list[int]) -> list[Comment]:
    """A browser's own comments on a page, whatever their status, newest first."""
    if not comment_ids:
        return []
    return list(Comment.objects.filter(page_id=page_id, pk__in=comment_ids).order_by("-created_at", "-id"))


def liked_by(*, reader_key: str, comment_ids: list[int]) -> list[int]:
    from masthead.comments.models import CommentLike

    if not reader_key or not comment_ids:
        return []
    return list(
        CommentLike.objects.filter(reader_key=reader_key, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def pending_total() -> int:
    """Comments waiting for a moderator, across the site (the queue's index on status)."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()
