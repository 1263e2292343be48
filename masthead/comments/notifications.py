"""Subscriptions ("Notify of") to a page's comments and the outbox of mails about them.

A guest's address gets mail only after it confirmed a signed link (double opt-in); a
signed-in reader's own account address counts as confirmed. When a comment is approved
(`services._approved`, after commit) each active subscription it concerns gets a
`Notification` row, unique per subscription and comment, so a comment approved, removed
and approved again is never told twice. Delivery sends at most one mail per address per
thread per `CommentSettings.notification_window_minutes`; what arrives inside the window
waits for one digest, sent by a periodic job once the window ends.

Every mail carries signed links (confirm, stop this thread, stop all threads) and
RFC 8058 one-click `List-Unsubscribe`. The tokens are `django.core.signing` values with
their own salts, so a token made for one purpose never works for another.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings as django_settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.comments.models import Comment, CommentSettings, EmailOptOut, Notification, Subscription
from masthead.comments.text import email_length_problem, normalised_email
from masthead.core import ratelimit

logger = logging.getLogger(__name__)

CONFIRM_SALT = "masthead.comments.notify.confirm"
STOP_SALT = "masthead.comments.notify.stop"
STOP_ALL_SALT = "masthead.comments.notify.stop-all"
CONFIRM_MAX_AGE = 7 * 24 * 3600
# A second confirmation mail for the same address and page goes out no sooner than this:
# a flood of requests (or a form sent twice) must not become a flood of mail.
CONFIRMATION_RESEND_AFTER = timedelta(hours=6)
REQUESTS_PER_HOUR_PER_EMAIL = 5
REQUESTS_PER_HOUR_PER_IP = 30
# A token for the longest address an EmailField takes (254 characters) is about 450.
MAX_TOKEN_LENGTH = 1000
DIGEST_LIMIT = 50
EXCERPT_CHARS = 600


class BadToken(Exception):
    """A link that was altered, made for another purpose, or has expired."""


# Tokens ------------------------------------------------------------------------------


def confirm_token(subscription: Subscription, scope: str) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email, "c": scope}, salt=CONFIRM_SALT)


def stop_token(subscription: Subscription) -> str:
    # No expiry: a mail read months later must still stop its thread.
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=STOP_SALT)


def stop_all_token(email: str) -> str:
    return signing.dumps({"e": email}, salt=STOP_ALL_SALT)


def _load(token: str, *, salt: str, max_age: int | None = None) -> dict:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken("empty or too long")
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadToken("bad signature") from None
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        raise BadToken("unexpected payload")
    return value


def _subscription_for(value: dict) -> Subscription:
    subscription_id = value.get("s")
    if not isinstance(subscription_id, int):
        raise BadToken("unexpected payload")
    subscription = Subscription.objects.select_related("page").filter(pk=subscription_id).first()
    # The address is part of the proof: a row re-created for someone else never matches.
    if subscription is None or subscription.email != value["e"]:
        raise BadToken("no such subscription")
    return subscription


def subscription_for_confirm_token(token: str) -> tuple[Subscription, str]:
    value = _load(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    scope = value.get("c")
    if scope not in Subscription.Scope.values:
        raise BadToken("unexpected payload")
    return _subscription_for(value), scope


def subscription_for_stop_token(token: str) -> Subscription:
    return _subscription_for(_load(token, salt=STOP_SALT))


def email_for_stop_all_token(token: str) -> str:
    return _load(token, salt=STOP_ALL_SALT)["e"]


# Subscribing -------------------------------------------------------------------------


def _normalised(email: str) -> str:
    return normalised_email(email or "")


def _is_opted_out(email: str) -> bool:
    return EmailOptOut.objects.filter(email=email).exists()


def _account_owns(user, email: str) -> bool:
    """A signed-in reader's own account address counts as verified: the account was made
    (or changed) by staff or through a flow that checked it; there is no other proof."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and _normalised(user.email) == email)


def subscription_request(*, page, email: str, scope: str, user=None, ip: str | None = None) -> None:
    """Someone asks for mail about `page`'s comments. A guest's address gets one
    confirmation mail with a signed link; a signed-in reader's own address is subscribed
    at once. Returns nothing on purpose: the answer is the same whether the address was
    already subscribed, opted out, rate-limited or new."""
    email = _normalised(email)
    # Kept in lower case, an address can outgrow the column (text.normalised_email).
    if not email or email_length_problem(email) or scope not in Subscription.Scope.values:
        return
    if _account_owns(user, email):
        _subscription_confirm_now(page_id=page.pk, email=email, scope=scope)
        return
    if ip and not ratelimit.allow("notify-ip", ip, limit=REQUESTS_PER_HOUR_PER_IP, window_seconds=3600):
        return
    if not ratelimit.allow("notify-email", email, limit=REQUESTS_PER_HOUR_PER_EMAIL, window_seconds=3600):
        return
    subscription = _subscription_get_or_create(page_id=page.pk, email=email, scope=scope)
    if subscription.is_active and subscription.scope == scope and not _is_opted_out(email):
        return
    if _confirmation_recently_sent(subscription, timezone.now()):
        return
    from masthead.comments import tasks

    subscription_id = subscription.pk
    transaction.on_commit(lambda: tasks.send_confirmation.enqueue(subscription_id, scope))


def _subscription_get_or_create(*, page_id: int, email: str, scope: str) -> Subscription:
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(
                page_id=page_id, email=email, defaults={"scope": scope}
            )
    except IntegrityError:  # the same address asked twice at the same moment
        subscription = Subscription.objects.get(page_id=page_id, email=email)
    return subscription


def _confirmation_recently_sent(subscription: Subscription, now) -> bool:
    sent = subscription.confirmation_sent_at
    return sent is not None and now - sent < CONFIRMATION_RESEND_AFTER


def _subscription_confirm_now(*, page_id: int, email: str, scope: str) -> Subscription:
    now = timezone.now()
    with transaction.atomic():
        subscription = _subscription_get_or_create(page_id=page_id, email=email, scope=scope)
        Subscription.objects.filter(pk=subscription.pk).update(
            scope=scope, confirmed_at=subscription.confirmed_at or now, stopped_at=None
        )
        # Asking again for mail is the fresh consent an opt-out waits for.
        EmailOptOut.objects.filter(email=email).delete()
    subscription.refresh_from_db()
    return subscription


def subscription_confirm(*, token: str) -> Subscription:
    """The address proved it reads its mail: subscribed with the scope it asked for, and
    any earlier "stop all threads" lifted."""
    subscription, scope = subscription_for_confirm_token(token)
    return _subscription_confirm_now(page_id=subscription.page_id, email=subscription.email, scope=scope)


def subscription_stop(*, token: str) -> Subscription:
    subscription = subscription_for_stop_token(token)
    Subscription.objects.filter(pk=subscription.pk, stopped_at__isnull=True).update(stopped_at=timezone.now())
    subscription.refresh_from_db()
    return subscription


def subscription_stop_all(*, token: str) -> str:
    """No mail about any thread to this address again, until it confirms a new subscription."""
    email = email_for_stop_all_token(token)
    with transaction.atomic():
        EmailOptOut.objects.get_or_create(email=email)
        Subscription.objects.filter(email=email, stopped_at__isnull=True).update(stopped_at=timezone.now())
    return email


def confirmation_send(*, subscription_id: int, scope: str, now=None) -> bool:
    """Mail the confirmation link, unless one went to this address for this page a short
    while ago. The claim is one conditional UPDATE, so two runs of the task (a retry, or
    two requests at the same moment) send one mail."""
    now = now or timezone.now()
    claimed = (
        Subscription.objects.filter(pk=subscription_id)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - CONFIRMATION_RESEND_AFTER))
        .update(confirmation_sent_at=now)
    )
    if not claimed:
        return False
    subscription = Subscription.objects.select_related("page").get(pk=subscription_id)
    context = {
        "page": subscription.page,
        "scope_label": Subscription.Scope(scope).label,
        "confirm_url": absolute(reverse("comments:notify_confirm", args=[confirm_token(subscription, scope)])),
        "thread_url": absolute(reverse("comments:thread", args=[subscription.page_id])),
    }
    _send(
        to=subscription.email,
        subject=f"Confirm: comments on “{subscription.page.title}”",
        template="comments/mail/confirm",
        context=context,
    )
    return True


# Targeting and delivery --------------------------------------------------------------


def _addresses_of(comment: Comment | None) -> set[str]:
    if comment is None:
        return set()
    addresses = {_normalised(comment.author_email)}
    if comment.user is not None:
        addresses.add(_normalised(comment.user.email))
    return addresses - {""}


def notifications_create(*, comment_id: int) -> list[int]:
    """Queue an approved comment for every active subscription it concerns; returns their
    ids. Scope "all" hears of every comment on the page, "replies" only of replies to a
    comment written from that address. Never the comment's own author."""
    comment = (
        Comment.objects.select_related("user", "parent", "parent__user", "in_reply_to", "in_reply_to__user")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.status != Comment.Status.APPROVED:
        return []
    authors = _addresses_of(comment)
    # The comment it answers, which past the reply depth is not its parent in the tree.
    parent_authors = _addresses_of(comment.in_reply_to or comment.parent)
    candidates = list(
        Subscription.objects.filter(page_id=comment.page_id, confirmed_at__isnull=False, stopped_at__isnull=True)
    )
    opted_out = set(
        EmailOptOut.objects.filter(email__in={_normalised(s.email) for s in candidates}).values_list("email", flat=True)
    )
    targets = [
        subscription
        for subscription in candidates
        if (email := _normalised(subscription.email)) not in authors
        and email not in opted_out
        and (subscription.scope == Subscription.Scope.ALL or email in parent_authors)
    ]
    Notification.objects.bulk_create(
        [Notification(subscription=subscription, comment=comment) for subscription in targets], ignore_conflicts=True
    )
    return [subscription.pk for subscription in targets]


def _window(page_id: int) -> timedelta:
    from wagtail.models import Page, Site

    page = Page.objects.filter(pk=page_id).first()
    site = (page.get_site() if page else None) or Site.objects.filter(is_default_site=True).first()
    return timedelta(minutes=CommentSettings.for_site(site).notification_window_minutes)


def notifications_deliver(*, subscription_id: int, now=None) -> int:
    """Mail what waits for one subscription, if its window allows; returns how many
    comments the mail told of (0: nothing sent).

    The rows are claimed (the subscription's `last_mailed_at`, then each row's `sent_at`)
    and committed BEFORE the mail goes out. A concurrent or retried run finds the window
    taken and sends nothing. The price is that a crash or an SMTP failure after the claim
    loses that mail instead of sending it again later: a missed notice is a small loss,
    a reader mailed twice (or twenty times, by a retry loop) is the kind of thing that
    makes them stop every thread.
    """
    now = now or timezone.now()
    subscription = Subscription.objects.select_related("page").filter(pk=subscription_id).first()
    if subscription is None or not subscription.is_active or _is_opted_out(_normalised(subscription.email)):
        return 0
    window = _window(subscription.page_id)
    with transaction.atomic():
        claimed = (
            Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=False, stopped_at__isnull=True)
            .filter(Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lte=now - window))
            .update(last_mailed_at=now)
        )
        if not claimed:
            return 0
        pending = list(
            Notification.objects.filter(
                subscription_id=subscription.pk, sent_at__isnull=True, comment__status=Comment.Status.APPROVED
            )
            .select_related("comment")
            .order_by("comment__created_at", "comment_id")[:DIGEST_LIMIT]
        )
        if not pending:
            # Nothing to say: give the window back so the next comment goes out at once.
            transaction.set_rollback(True)
            return 0
        Notification.objects.filter(pk__in=[row.pk for row in pending], sent_at__isnull=True).update(sent_at=now)
    comments = [row.comment for row in pending]
    try:
        _send_notification(subscription, comments)
    except Exception:  # claimed already: logged and lost rather than sent twice (see above)
        logger.exception("Comment notification to subscription %s not sent", subscription.pk)
        return 0
    return len(comments)


def subscriptions_due(*, now=None) -> list[int]:
    """Subscriptions with approved comments waiting whose window has ended."""
    now = now or timezone.now()
    rows = (
        Notification.objects.filter(
            sent_at__isnull=True,
            comment__status=Comment.Status.APPROVED,
            subscription__confirmed_at__isnull=False,
            subscription__stopped_at__isnull=True,
        )
        .values_list("subscription_id", "subscription__last_mailed_at", "subscription__page_id")
        .distinct()
    )
    windows: dict[int, timedelta] = {}
    due = []
    for subscription_id, last_mailed_at, page_id in rows:
        if page_id not in windows:
            windows[page_id] = _window(page_id)
        if last_mailed_at is None or last_mailed_at <= now - windows[page_id]:
            due.append(subscription_id)
    return sorted(set(due))


def send_due_digests() -> None:
    """The periodic job: one task per subscription whose digest is due."""
    from masthead.comments import tasks

    for subscription_id in subscriptions_due():
        tasks.deliver_notifications.enqueue(subscription_id)


# Mail --------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return django_settings.SITE_URL.rstrip("/") + path


def _send_notification(subscription: Subscription, comments: list[Comment]) -> None:
    page = subscription.page
    stop = stop_token(subscription)
    unsubscribe_url = absolute(reverse("comments:notify_unsubscribe", args=[stop]))
    context = {
        "page": page,
        "items": [
            {
                "comment": comment,
                "excerpt": comment.body[:EXCERPT_CHARS] + ("…" if len(comment.body) > EXCERPT_CHARS else ""),
                "url": absolute(comment.get_absolute_url()),
            }
            for comment in comments
        ],
        "is_digest": len(comments) > 1,
        "scope": subscription.scope,
        "thread_url": absolute(reverse("comments:thread", args=[page.pk])),
        "stop_url": absolute(reverse("comments:notify_stop", args=[stop])),
        "stop_all_url": absolute(reverse("comments:notify_stop_all", args=[stop_all_token(subscription.email)])),
    }
    subject = (
        f"{len(comments)} new comments on “{page.title}”"
        if len(comments) > 1
        else f"New comment on “{page.title}” from {comments[0].author_name}"
    )
    _send(
        to=subscription.email,
        subject=subject,
        template="comments/mail/notification",
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _send(*, to: str, subject: str, template: str, context: dict, headers: dict | None = None) -> None:
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ").replace("\r", " ")[:200],
        body=render_to_string(f"{template}.txt", context),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    mailers.default.send_messages([message])
