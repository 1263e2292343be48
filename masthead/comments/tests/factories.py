"""Comments for tests: posted through the service, as a reader would."""

from __future__ import annotations

import itertools

from masthead.comments import services
from masthead.comments.models import Comment, CommentSettings, ModerationPolicy

_sequence = itertools.count(1)


def comment_settings(**changes) -> CommentSettings:
    from wagtail.models import Site

    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def open_settings(**changes) -> CommentSettings:
    """Comments published at once, so tests about threads need no moderator."""
    return comment_settings(moderation=ModerationPolicy.NOBODY, **changes)


def post_comment(
    page, *, body: str = "", name: str = "", email: str = "", parent: Comment | None = None, settings=None, **author
) -> Comment:
    number = next(_sequence)
    return services.comment_create(
        page=page,
        author=services.Author(name=name or f"Reader {number}", email=email or f"reader{number}@example.org", **author),
        body=body or f"Comment number {number}, with something to say.",
        settings=settings or comment_settings(),
        parent_id=parent.pk if parent else None,
    )


def subscribe(page, email: str, *, scope: str = "all", confirmed: bool = True):
    """A "Notify of" subscription as it stands after the reader confirmed (or not yet)."""
    from django.utils import timezone

    from masthead.comments.models import Subscription

    return Subscription.objects.create(
        page_id=page.pk, email=email.lower(), scope=scope, confirmed_at=timezone.now() if confirmed else None
    )
