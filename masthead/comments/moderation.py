"""The site's comment policy: whether a new comment is refused, held for a moderator,
or published at once. No third party is needed; the optional spam checker is one more
voice (masthead.comments.spamcheck)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from masthead.comments.models import Ban, Comment, CommentSettings, ModerationPolicy
from masthead.comments.text import link_count


@dataclass(frozen=True)
class Decision:
    status: str
    hold_reason: str = ""


def active_bans():
    now = timezone.now()
    return Ban.objects.filter(expires_at__isnull=True) | Ban.objects.filter(expires_at__gt=now)


def is_banned(*, email: str, ip: str | None) -> bool:
    return any(ban.matches(email=email, ip=ip) for ban in active_bans())


def has_approved_comment(*, email: str, user_id: int | None) -> bool:
    if user_id:
        return Comment.objects.filter(user_id=user_id, status=Comment.Status.APPROVED).exists()
    # Addresses are kept in lower case (services.comment_create): an exact match uses the
    # comment_by_email index, where a case-blind one reads every comment of the site.
    return bool(email) and Comment.objects.filter(author_email=email.lower(), status=Comment.Status.APPROVED).exists()


def decide(
    *, settings: CommentSettings, body: str, email: str, user_id: int | None, is_staff: bool, spam_verdict=None
) -> Decision:
    """`spam_verdict`, when given, is called last and says True for spam."""
    if is_staff:
        return Decision(Comment.Status.APPROVED)
    folded = body.casefold()
    for word in settings.blocked_word_list():
        if word in folded:
            return Decision(Comment.Status.PENDING, "contains a blocked word")
    if link_count(body) > settings.max_links:
        return Decision(Comment.Status.PENDING, f"more than {settings.max_links} links")
    if spam_verdict is not None and spam_verdict():
        return Decision(Comment.Status.SPAM, "the spam checker's verdict")
    if settings.moderation == ModerationPolicy.EVERYONE:
        return Decision(Comment.Status.PENDING, "every comment is reviewed")
    if settings.moderation == ModerationPolicy.FIRST_TIME and not has_approved_comment(email=email, user_id=user_id):
        return Decision(Comment.Status.PENDING, "first comment from this address")
    return Decision(Comment.Status.APPROVED)
