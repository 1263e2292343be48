"""Reads: a page of a thread, its counts, and what one reader may see of their own.

A page of a thread is a fixed number of queries whatever the thread's size: the
discussion row, one page of top-level comments (a keyset cursor, never OFFSET), and
their replies in tree order (at most REPLIES_SHOWN per top-level comment, the rest one
link away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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


class ThreadComment:
    """A comment as the thread shows it: its row's values, nothing else. A page of a
    thread holds up to a thousand of them, and a model instance (with deferred fields, as
    `only()` makes) costs several times a plain object, as does compiling the window query
    through the ORM; both were most of an uncached thread's time."""

    __slots__ = _THREAD_FIELDS

    def __init__(self, row):
        for name, value in zip(_THREAD_FIELDS, row, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    def __repr__(self):
        return f"<ThreadComment {self.id}>"


@dataclass
class Node:
    comment: ThreadComment
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


def _cursor_for(comment: ThreadComment, sort: str) -> str:
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


def _after(*, sort: str, cursor: str) -> tuple[str, list]:
    """The SQL condition (and its parameters) for the top-level comments after `cursor`."""
    first, pk = _parse_cursor(cursor)
    if sort == Sort.LIKED:
        return "(like_count < %s OR (like_count = %s AND id < %s))", [first, first, pk]
    try:
        moment = datetime.fromtimestamp(first / 1_000_000, tz=timezone.UTC)
    except (ValueError, OverflowError, OSError):  # past the year 9999
        raise InvalidCursor(cursor) from None
    stored = connection.ops.adapt_datetimefield_value(moment)
    if sort == Sort.OLDEST:
        return "(created_at > %s OR (created_at = %s AND id > %s))", [stored, stored, pk]
    return "(created_at < %s OR (created_at = %s AND id < %s))", [stored, stored, pk]


# Each is an index's order (comment_thread_time, comment_thread_likes), read forwards or back.
_ORDER = {
    Sort.NEWEST: "created_at DESC, id DESC",
    Sort.OLDEST: "created_at ASC, id ASC",
    Sort.LIKED: "like_count DESC, id DESC",
}


# The thread's reads are plain SQL. Only the model's own table and column names and the
# fixed fragments below are written into it; every value is a parameter.
_TABLE = Comment._meta.db_table
_COLUMNS = ", ".join(Comment._meta.get_field(name.removesuffix("_id")).column for name in _THREAD_FIELDS)
_ROOTS_SQL = (
    f"SELECT {_COLUMNS} FROM {_TABLE} WHERE page_id = %s AND in_thread = %s AND depth = 0{{after}} "  # noqa: S608
    "ORDER BY {order} LIMIT %s"
)
# The first REPLIES_SHOWN of each conversation in tree order, on the comment_replies index.
_REPLIES_SQL = (
    f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY root_id ORDER BY path) AS place "  # noqa: S608
    f"FROM {_TABLE} WHERE root_id IN ({{roots}}) AND in_thread = %s) numbered WHERE place <= %s ORDER BY root_id, path"
)
_ROOT_SQL = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE id = %s AND page_id = %s AND depth = 0 AND in_thread = %s"  # noqa: S608
_DISCUSSION_SQL = f"SELECT approved_count, closed FROM {Discussion._meta.db_table} WHERE page_id = %s"  # noqa: S608
_CONVERSATION_SQL = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE root_id = %s AND in_thread = %s ORDER BY path"  # noqa: S608


def _rows(sql: str, params: list) -> list[ThreadComment]:
    """ThreadComments from plain SQL, their dates as the ORM would give them: SQLite's
    driver returns naive datetimes (or text), which the backend's converter makes aware."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    comments = [ThreadComment(row) for row in rows]
    if comments and not timezone.is_aware(_as_datetime(comments[0].created_at)):
        convert = connection.ops.convert_datetimefield_value
        for comment in comments:
            comment.created_at = convert(comment.created_at, None, connection)
            comment.edited_at = convert(comment.edited_at, None, connection)
    return comments


def _as_datetime(value) -> datetime:
    return parse_datetime(value) if isinstance(value, str) else value


def thread_page(*, page_id: int, sort: str = Sort.DEFAULT, cursor: str = "", limit: int = PAGE_SIZE) -> ThreadPage:
    """One page of top-level comments with their replies. Raises InvalidCursor."""
    with connection.cursor() as database:
        database.execute(_DISCUSSION_SQL, [page_id])
        approved_count, closed = database.fetchone() or (0, False)
    if not approved_count and not cursor:
        # Nothing approved: no comment, and no removed one kept for its replies.
        return ThreadPage(page_id=page_id, sort=sort, approved_count=0, closed=bool(closed), nodes=[])
    condition, params = _after(sort=sort, cursor=cursor) if cursor else ("", [])
    roots = _rows(
        _ROOTS_SQL.format(after=f" AND {condition}" if condition else "", order=_ORDER[sort]),
        [page_id, True, *params, limit + 1],
    )
    more = len(roots) > limit
    roots = roots[:limit]
    nodes, hidden = _with_replies(roots)
    return ThreadPage(
        page_id=page_id,
        sort=sort,
        approved_count=approved_count,
        closed=bool(closed),
        nodes=nodes,
        next_cursor=_cursor_for(roots[-1], sort) if more else "",
        cursor=cursor,
        hidden_replies=hidden,
    )


def _with_replies(roots: list[ThreadComment]) -> tuple[list[Node], dict[int, int]]:
    if not roots:
        return [], {}
    with_replies = [root.pk for root in roots if root.reply_count]
    replies = []
    if with_replies:
        replies = _rows(
            _REPLIES_SQL.format(roots=", ".join(["%s"] * len(with_replies))), [*with_replies, True, REPLIES_SHOWN]
        )
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
    found = _rows(_ROOT_SQL, [root_id, page_id, True])
    if not found:
        return []
    root = found[0]
    by_id = {root.pk: Node(root)}
    for reply in _rows(_CONVERSATION_SQL, [root_id, True]):
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
