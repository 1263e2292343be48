"""Writes: posting, editing, deleting, moderating and liking comments. One transaction
each; what readers see is purged, and mail is queued, when it commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from masthead.comments import moderation
from masthead.comments.invalidation import purge_discussion
from masthead.comments.models import PATH_DIGITS, Comment, CommentLike, CommentSettings, Discussion, Subscription
from masthead.comments.text import clean_line, clean_text, email_length_problem, normalised_email, render

MAX_NAME = 80


class CommentRefused(Exception):
    """A comment that cannot be taken, with the reason the reader is shown."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Author:
    name: str
    email: str = ""
    url: str = ""
    user_id: int | None = None
    is_staff: bool = False
    ip: str | None = None
    user_agent: str = ""


def _web_address(url: str) -> str:
    """A commenter's website as shown in a link: http(s) and short enough for its
    column, else none (the form checks as much; other callers may not)."""
    url = url.strip()
    if url.lower().startswith(("http://", "https://")) and len(url) <= Comment._meta.get_field("author_url").max_length:
        return url
    return ""


def comments_closed_reason(*, page, settings: CommentSettings, discussion: Discussion | None) -> str:
    """Why no new comment can be posted on `page` now, or "" if it can."""
    if not settings.enabled:
        return "Comments are turned off on this site."
    if discussion is not None and discussion.closed:
        return "Comments are closed on this article."
    published = page.first_published_at
    if (
        settings.close_after_days
        and published
        and timezone.now() - published > timedelta(days=settings.close_after_days)
    ):
        return "Comments are closed on this article."
    if not page.live:
        return "Comments are closed on this article."
    return ""


def _checked_body(body: str, settings: CommentSettings) -> str:
    body = clean_text(body)
    if not body:
        raise CommentRefused("Write something before you send.", field="body")
    if len(body) > settings.max_length:
        raise CommentRefused(
            f"Comments may be at most {settings.max_length:,} characters long; this one has {len(body):,}.",
            field="body",
        )
    return body


def _place_of_reply(
    *, page_id: int, parent_id: int | None, settings: CommentSettings
) -> tuple[Comment | None, Comment | None]:
    """The comment a reply answers, and the one it is placed under. They differ past the
    site's deepest level, where a reply joins the level of the comment it answers; with
    one level the thread is flat and a reply is placed at the top. Either way it still
    names the comment it answers, whose author "only replies to my comments" tells."""
    if parent_id is None:
        return None, None
    answered = Comment.objects.filter(pk=parent_id, page_id=page_id, status=Comment.Status.APPROVED).first()
    if answered is None:
        raise CommentRefused("The comment you reply to is no longer there.", field="parent")
    if settings.max_depth <= 1:
        return answered, None
    parent = answered
    while parent.depth >= settings.max_depth - 1 and parent.parent_id is not None:
        parent = Comment.objects.get(pk=parent.parent_id)
    return answered, parent


def comment_create(
    *,
    page,
    author: Author,
    body: str,
    settings: CommentSettings,
    parent_id: int | None = None,
    spam_verdict=None,
    now=None,
) -> Comment:
    name = clean_line(author.name)[:MAX_NAME]
    if not name:
        raise CommentRefused("Give a name to show with your comment.", field="name")
    email = normalised_email(author.email)
    # The form checks this for guests; an account's address, or another caller's, may not be.
    if problem := email_length_problem(email):
        raise CommentRefused(problem, field="email")
    body = _checked_body(body, settings)
    discussion, _ = Discussion.objects.get_or_create(page_id=page.pk)
    closed = comments_closed_reason(page=page, settings=settings, discussion=discussion)
    if closed and not author.is_staff:
        raise CommentRefused(closed, status=403)
    if moderation.is_banned(email=email, ip=author.ip):
        raise CommentRefused("This address may not comment here.", status=403)
    answered, parent = _place_of_reply(page_id=page.pk, parent_id=parent_id, settings=settings)
    decision = moderation.decide(
        settings=settings,
        body=body,
        email=email,
        user_id=author.user_id,
        is_staff=author.is_staff,
        spam_verdict=spam_verdict,
    )
    now = now or timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(
            page_id=page.pk,
            parent=parent,
            in_reply_to=answered,
            root_id=(parent.root_id or parent.pk) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            user_id=author.user_id,
            author_name=name,
            author_email=email,
            author_url=_web_address(author.url),
            body=body,
            body_html=render(body),
            status=decision.status,
            hold_reason=decision.hold_reason,
            is_staff_reply=author.is_staff,
            ip_address=author.ip or None,
            user_agent=author.user_agent[:300],
            created_at=now,
        )
        comment.path = (parent.path if parent else "") + f"{comment.pk:0{PATH_DIGITS}d}."
        comment.save(update_fields=["path"])
        _count_in(comment, +1)
    return comment


def _count_in(comment: Comment, sign: int) -> None:
    """Add (+1) or take away (-1) the comment from its discussion's counts, as its status says."""
    if comment.status == Comment.Status.APPROVED:
        Discussion.objects.filter(page_id=comment.page_id).update(
            approved_count=F("approved_count") + sign,
            **({"last_comment_at": comment.created_at} if sign > 0 else {}),
        )
        if comment.root_id:
            Comment.objects.filter(pk=comment.root_id).update(reply_count=F("reply_count") + sign)
        if sign > 0:
            # The comment and every ancestor show: a removed ancestor as a placeholder.
            ancestors = [int(part) for part in comment.path.split(".") if part]
            Comment.objects.filter(pk__in=ancestors or [comment.pk], in_thread=False).update(in_thread=True)
            comment.in_thread = True
            transaction.on_commit(lambda: _approved(comment.pk, comment.page_id))
        else:
            transaction.on_commit(lambda: purge_discussion(comment.page_id))
    elif comment.status == Comment.Status.PENDING:
        Discussion.objects.filter(page_id=comment.page_id).update(pending_count=F("pending_count") + sign)


def _approved(comment_id: int, page_id: int) -> None:
    from masthead.comments import tasks

    purge_discussion(page_id)
    # Most pages have no subscriber: one indexed read spares every approval a queued task.
    if Subscription.objects.filter(page_id=page_id, confirmed_at__isnull=False, stopped_at__isnull=True).exists():
        tasks.notify_approved_comment.enqueue(comment_id)


def comment_set_status(*, comment: Comment, status: str, moderator=None, reason: str = "") -> Comment:
    """Approve, hold, mark as spam or move to trash. `reason` is the statement of reasons
    shown to the commenter when a comment is removed."""
    if status not in Comment.Status.values:
        raise CommentRefused(f"Unknown status {status!r}.")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status == status:
            return comment
        _count_in(comment, -1)
        was_shown = comment.in_thread
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = moderator
        if status == Comment.Status.APPROVED:
            comment.hold_reason = ""
            comment.removal_reason = ""
        else:
            if status in (Comment.Status.TRASH, Comment.Status.SPAM):
                comment.removal_reason = reason
            # Replies stay readable under "This comment was removed".
            comment.in_thread = was_shown and Comment.objects.filter(parent=comment, in_thread=True).exists()
        comment.save(
            update_fields=["status", "moderated_at", "moderated_by", "removal_reason", "in_thread", "hold_reason"]
        )
        _count_in(comment, +1)
        if was_shown and not comment.in_thread:
            _retire_empty_placeholders(comment)
        if was_shown:  # an approval purges through _count_in
            page_id = comment.page_id
            transaction.on_commit(lambda: purge_discussion(page_id))
    return comment


def _retire_empty_placeholders(comment: Comment) -> None:
    """A removed ancestor is kept in the thread only for what shows under it: once the
    last of that left, it leaves too, and so on up (exchange.comments_recount agrees).

    Each ancestor is locked before its replies are counted, so two replies removed at
    the same moment cannot each see the other still shown and both leave it behind."""
    ancestors = [int(part) for part in comment.path.split(".") if part][:-1]
    for ancestor_id in reversed(ancestors):
        ancestor = Comment.objects.select_for_update().filter(pk=ancestor_id).only("status", "in_thread").first()
        if (
            ancestor is None
            or not ancestor.in_thread
            or ancestor.status == Comment.Status.APPROVED
            or Comment.objects.filter(parent_id=ancestor_id, in_thread=True).exists()
        ):
            return
        Comment.objects.filter(pk=ancestor_id).update(in_thread=False)


def comment_edit(
    *, comment: Comment, body: str, settings: CommentSettings, by_moderator=None, spam_verdict=None
) -> Comment:
    """A new text for a comment. A guest's edit passes the same checks as a new comment:
    a blocked word or too many links send it back to the queue."""
    body = _checked_body(body, settings)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.body = body
        comment.body_html = render(body)
        comment.edited_at = timezone.now()
        fields = ["body", "body_html", "edited_at"]
        if by_moderator is None and comment.status == Comment.Status.APPROVED:
            decision = moderation.decide(
                settings=settings,
                body=body,
                email=comment.author_email,
                user_id=comment.user_id,
                is_staff=False,
                spam_verdict=spam_verdict,
            )
            if decision.status != Comment.Status.APPROVED:
                comment.save(update_fields=fields)
                return comment_set_status(comment=comment, status=decision.status)
        comment.save(update_fields=fields)
        if comment.in_thread:
            page_id = comment.page_id
            transaction.on_commit(lambda: purge_discussion(page_id))
    return comment


def can_author_change(comment: Comment, settings: CommentSettings, *, now=None) -> bool:
    now = now or timezone.now()
    return comment.status in (
        Comment.Status.PENDING,
        Comment.Status.APPROVED,
    ) and now - comment.created_at <= timedelta(minutes=settings.edit_minutes)


def comment_edit_by_author(*, comment: Comment, body: str, settings: CommentSettings, spam_verdict=None) -> Comment:
    """As a new comment, an edit is asked of the spam checker (`spam_verdict`) last."""
    if not can_author_change(comment, settings):
        raise CommentRefused(f"Comments can be changed for {settings.edit_minutes} minutes after posting.", status=403)
    return comment_edit(comment=comment, body=body, settings=settings, spam_verdict=spam_verdict)


def comment_delete_by_author(*, comment: Comment, settings: CommentSettings) -> Comment:
    if not can_author_change(comment, settings):
        raise CommentRefused(f"Comments can be deleted for {settings.edit_minutes} minutes after posting.", status=403)
    return comment_set_status(comment=comment, status=Comment.Status.TRASH, reason="Deleted by its author.")


def comment_like(*, comment: Comment, reader_key: str) -> tuple[bool, int]:
    """Like, or take the like back if this reader already liked it. Says whether the
    reader likes it now, and the count. Never purges a page: counts are their own part."""
    with transaction.atomic():
        deleted, _ = CommentLike.objects.filter(comment=comment, reader_key=reader_key).delete()
        if deleted:
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") - 1)
            liked = False
        else:
            try:
                with transaction.atomic():
                    CommentLike.objects.create(comment=comment, reader_key=reader_key)
            except IntegrityError:  # the same reader's like landed a moment earlier
                liked = True
            else:
                Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
                liked = True
    count = Comment.objects.values_list("like_count", flat=True).get(pk=comment.pk)
    return liked, count


def discussion_set_closed(*, page_id: int, closed: bool) -> Discussion:
    with transaction.atomic():
        discussion, _ = Discussion.objects.get_or_create(page_id=page_id)
        if discussion.closed != closed:
            discussion.closed = closed
            discussion.save(update_fields=["closed"])
            transaction.on_commit(lambda: purge_discussion(page_id))
    return discussion


# Export and import of one article's comments (JSON, threading kept): masthead.comments.exchange.
from masthead.comments.exchange import ImportRejected, comments_export, comments_import  # noqa: E402, F401
