"""One article's comments as JSON, out and back in, threading kept.

The file names each comment by `id` and its parent by `parent`; a parent comes before
its replies (the export writes the thread in tree order), so a file can never describe
a cycle. Re-importing updates the comments it made before instead of adding them
again: they are found by `external_id` (or, for comments that came from this site, by
the `masthead:<pk>` id the export gave them). Nothing is written unless the whole file
is valid, and an import never mails subscribers.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from masthead.comments.invalidation import purge_discussion
from masthead.comments.models import PATH_DIGITS, Comment, Discussion
from masthead.comments.text import EMAIL_MAX_LENGTH, clean_line, clean_text, normalised_email, render

FORMAT = "masthead-comments"
VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COMMENTS = 100_000
MAX_BODY = 20_000
MAX_DEPTH = 10
MAX_ERRORS = 50
OWN_ID_PREFIX = "masthead:"
MAX_LIKES = 10**9

_EXPORTED_FIELDS = (
    "author_name",
    "author_email",
    "author_url",
    "body",
    "status",
    "is_staff_reply",
    "hold_reason",
    "removal_reason",
    "ip_address",
    "user_agent",
    "like_count",
)


class ImportRejected(ValueError):
    """The file cannot be imported; `errors` says why, item by item."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    comments: int = 0
    messages: list[str] = field(default_factory=list)

    def __str__(self):
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} {self.comments} comments: {self.created} new, {self.updated} updated."


def _exported_id(comment: Comment) -> str:
    return comment.external_id or f"{OWN_ID_PREFIX}{comment.pk}"


def _timestamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def comments_export(page) -> dict:
    """Every comment on `page`, whatever its status, in tree order."""
    comments = list(Comment.objects.filter(page_id=page.pk).order_by("path", "id"))
    ids = {comment.pk: _exported_id(comment) for comment in comments}
    return {
        "format": FORMAT,
        "version": VERSION,
        "page": {"id": page.pk, "title": page.title, "url_path": page.url_path},
        "exported_at": _timestamp(timezone.now()),
        "comments": [
            {
                "id": ids[comment.pk],
                "parent": ids.get(comment.parent_id),
                **{name: getattr(comment, name) for name in _EXPORTED_FIELDS},
                "created_at": _timestamp(comment.created_at),
                "edited_at": _timestamp(comment.edited_at),
            }
            for comment in comments
        ],
    }


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def comments_parse(raw: bytes | str) -> dict:
    """The file's JSON, or ImportRejected with a reason a person can act on."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise ImportRejected([f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRejected(["The file is not UTF-8 text."]) from None
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ImportRejected(["The file nests too deeply to be a comments export."]) from None
    except ValueError as error:
        raise ImportRejected([f"The file is not valid JSON: {error}."]) from None
    if not isinstance(data, dict):
        raise ImportRejected(["The file must hold a JSON object, as `comments_export` writes it."])
    return data


@dataclass
class _Item:
    id: str
    parent: str | None
    fields: dict


def _text(
    item: dict, name: str, where: str, errors: list, *, limit: int, required=False, line=False, email=False
) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(f"{where}.{name}: must be text.")
        return ""
    value = clean_line(value) if line else clean_text(value)
    if email:  # before the length check: lower case can be longer
        value = normalised_email(value)
    if required and not value:
        errors.append(f"{where}.{name}: must not be empty.")
    elif len(value) > limit:
        errors.append(f"{where}.{name}: longer than {limit:,} characters.")
    return value


def _moment(item: dict, name: str, where: str, errors: list, *, required: bool) -> datetime | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        errors.append(f"{where}.{name}: must be a date and time (ISO 8601).")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}.{name}: {value[:40]!r} is not a date and time (ISO 8601).")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _checked_item(item, index: int, seen: dict[str, int], existing_ids: set[str], errors: list) -> _Item | None:
    where = f"comments[{index}]"
    if not isinstance(item, dict):
        errors.append(f"{where}: must be an object.")
        return None
    before = len(errors)
    own_id = item.get("id")
    if not isinstance(own_id, str) or not own_id.strip() or len(own_id) > 100:
        errors.append(f"{where}.id: must be text of 1 to 100 characters.")
        own_id = None
    elif own_id in seen:
        errors.append(f"{where}.id: {own_id!r} is also used by comments[{seen[own_id]}].")
    parent = item.get("parent")
    if parent is not None and (not isinstance(parent, str) or (parent not in seen and parent not in existing_ids)):
        errors.append(f"{where}.parent: must be the id of a comment earlier in the file (or null).")
    fields = {
        "author_name": _text(item, "author_name", where, errors, limit=80, required=True, line=True),
        "author_email": _text(item, "author_email", where, errors, limit=EMAIL_MAX_LENGTH, line=True, email=True),
        "author_url": _text(item, "author_url", where, errors, limit=200, line=True),
        "body": _text(item, "body", where, errors, limit=MAX_BODY, required=True),
        "hold_reason": _text(item, "hold_reason", where, errors, limit=200, line=True),
        "removal_reason": _text(item, "removal_reason", where, errors, limit=5000),
        "user_agent": _text(item, "user_agent", where, errors, limit=10_000, line=True)[:300],
        "created_at": _moment(item, "created_at", where, errors, required=True),
        "edited_at": _moment(item, "edited_at", where, errors, required=False),
    }
    if fields["author_email"]:
        try:
            validate_email(fields["author_email"])
        except ValidationError:
            errors.append(f"{where}.author_email: not a valid email address.")
    if fields["author_url"]:
        try:
            URLValidator(schemes=["http", "https"])(fields["author_url"])
        except ValidationError:
            errors.append(f"{where}.author_url: not a web address (http or https).")
    status = item.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        errors.append(f"{where}.status: must be one of {', '.join(Comment.Status.values)}.")
    fields["status"] = status
    staff = item.get("is_staff_reply", False)
    if not isinstance(staff, bool):
        errors.append(f"{where}.is_staff_reply: must be true or false.")
    fields["is_staff_reply"] = staff is True
    likes = item.get("like_count", 0)
    if isinstance(likes, bool) or not isinstance(likes, int) or not 0 <= likes <= MAX_LIKES:
        errors.append(f"{where}.like_count: must be a whole number from 0.")
        likes = 0
    fields["like_count"] = likes
    ip = item.get("ip_address")
    if ip in (None, ""):
        fields["ip_address"] = None
    else:
        try:
            fields["ip_address"] = str(ipaddress.ip_address(ip))
        except ValueError:
            errors.append(f"{where}.ip_address: not a network address.")
    if own_id is not None and own_id not in seen:
        seen[own_id] = index
    if len(errors) > before or own_id is None:
        return None
    return _Item(id=own_id, parent=parent, fields=fields)


def _checked(data: dict, existing_ids: set[str]) -> list[_Item]:
    errors: list[str] = []
    if data.get("format") != FORMAT:
        errors.append(f"format: must be {FORMAT!r}.")
    if data.get("version") != VERSION:
        errors.append(f"version: must be {VERSION}.")
    comments = data.get("comments")
    if not isinstance(comments, list):
        errors.append("comments: must be a list.")
        raise ImportRejected(errors)
    if len(comments) > MAX_COMMENTS:
        errors.append(f"comments: at most {MAX_COMMENTS:,} per file.")
        raise ImportRejected(errors)
    items, seen, depth = [], {}, {}
    for index, raw in enumerate(comments):
        item = _checked_item(raw, index, seen, existing_ids, errors)
        if item is not None:
            depth[item.id] = depth.get(item.parent, 0) + 1 if item.parent else 0
            if depth[item.id] > MAX_DEPTH:
                errors.append(f"comments[{index}].parent: replies nest deeper than {MAX_DEPTH} levels.")
            items.append(item)
        if len(errors) >= MAX_ERRORS:
            errors.append("… and more; fix these first.")
            break
    if errors:
        raise ImportRejected(errors)
    return items


def comments_import(page, data: dict, *, dry_run: bool = False) -> ImportReport:
    """Create or update `page`'s comments from an export. Raises ImportRejected (and
    writes nothing) when any part of the file is wrong. With `dry_run` the import runs
    in full and is rolled back, so the report is the one a real import would give."""
    if not isinstance(data, dict):
        raise ImportRejected(["The file must hold a JSON object, as `comments_export` writes it."])
    on_page = {
        comment.external_id or f"{OWN_ID_PREFIX}{comment.pk}": comment
        for comment in Comment.objects.filter(page_id=page.pk).only("id", "external_id", "page_id")
    }
    items = _checked(data, set(on_page))
    report = ImportReport(dry_run=dry_run, comments=len(items))
    with transaction.atomic():
        Discussion.objects.get_or_create(page_id=page.pk)
        by_id = {key: comment.pk for key, comment in on_page.items()}
        for item in items:
            values = {
                **item.fields,
                "body_html": render(item.fields["body"]),
                "parent_id": by_id[item.parent] if item.parent else None,
                "external_id": item.id,
            }
            # A provisional place in the tree; comments_recount() sets the real one.
            values.update(root_id=values["parent_id"], depth=1 if values["parent_id"] else 0)
            existing = on_page.get(item.id)
            if existing is not None:
                Comment.objects.filter(pk=existing.pk).update(**values)
                report.updated += 1
            else:
                by_id[item.id] = Comment.objects.create(page_id=page.pk, path="", **values).pk
                report.created += 1
        comments_recount(page.pk)
        if dry_run:
            transaction.set_rollback(True)
        else:
            page_id = page.pk
            transaction.on_commit(lambda: purge_discussion(page_id))
    return report


def comments_recount(page_id: int) -> None:
    """Set every comment's root, depth, path, in_thread and reply_count on a page from
    its parents and statuses, and the discussion's counts: what the services keep up
    one change at a time, made again from scratch (after an import)."""
    rows = list(
        Comment.objects.filter(page_id=page_id)
        .order_by("id")
        .values_list("id", "parent_id", "root_id", "depth", "path", "status", "in_thread", "reply_count")
    )
    parents = {row[0]: row[1] for row in rows}
    status = {row[0]: row[5] for row in rows}
    place: dict[int, tuple[int | None, int, str]] = {}

    def place_of(pk: int) -> tuple[int | None, int, str]:
        chain = []
        while pk not in place:
            if pk in chain:
                raise ImportRejected(["comments: replies form a loop (a comment is its own ancestor)."])
            chain.append(pk)
            pk = parents[pk] if parents[pk] in parents else None
            if pk is None:
                break
        for node in reversed(chain):
            parent = parents[node] if parents[node] in parents else None
            if parent is None:
                place[node] = (None, 0, f"{node:0{PATH_DIGITS}d}.")
            else:
                root, depth, path = place[parent]
                place[node] = (root or parent, depth + 1, f"{path}{node:0{PATH_DIGITS}d}.")
        return place[chain[0]] if chain else place[pk]

    # Shown: approved, or kept as a placeholder because something under it is shown
    # (whatever its own status), as the services keep it.
    visible = {pk for pk in parents if status[pk] == Comment.Status.APPROVED}
    for pk in list(visible):
        ancestor = parents[pk]
        while ancestor and ancestor in parents and ancestor not in visible:
            visible.add(ancestor)
            ancestor = parents[ancestor]
    replies = {}
    for pk in parents:
        root, _, _ = place_of(pk)
        if root and status[pk] == Comment.Status.APPROVED:
            replies[root] = replies.get(root, 0) + 1
    changed = []
    for pk, _parent, root_id, depth, path, _state, in_thread, reply_count in rows:
        root, new_depth, new_path = place[pk]
        shown = pk in visible
        new = (root, new_depth, new_path, shown, replies.get(pk, 0) if root is None else 0)
        if new != (root_id, depth, path, in_thread, reply_count):
            comment = Comment(pk=pk)
            comment.root_id, comment.depth, comment.path, comment.in_thread, comment.reply_count = new
            changed.append(comment)
    Comment.objects.bulk_update(changed, ["root_id", "depth", "path", "in_thread", "reply_count"], batch_size=500)
    totals = Comment.objects.filter(page_id=page_id).aggregate(
        approved=Count("id", filter=Q(status=Comment.Status.APPROVED)),
        pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
        last=Max("created_at", filter=Q(status=Comment.Status.APPROVED)),
    )
    Discussion.objects.filter(page_id=page_id).update(
        approved_count=totals["approved"], pending_count=totals["pending"], last_comment_at=totals["last"]
    )
