"""Notification targeting as a property: whatever the thread, the subscriptions and the
order of moderation decisions, mail goes only to confirmed, active subscribers, only
about comments approved when the mail left, never to a comment's own author, never
twice about one comment to one address, and (once every window has passed) every
approved comment reaches every subscriber it concerns."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.comments import notifications, services
from masthead.comments.models import Comment, EmailOptOut, ModerationPolicy, Subscription
from masthead.comments.tests.factories import comment_settings, post_comment
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

POOL = ["ada@example.org", "ben@example.org", "cy@example.org", "di@example.org"]
STATUSES = [Comment.Status.APPROVED, Comment.Status.TRASH, Comment.Status.SPAM, Comment.Status.PENDING]

subscription_states = st.sampled_from(["none", "unconfirmed", "confirmed", "stopped", "opted_out"])
threads = st.lists(
    # (author's index in POOL, parent: an index into the earlier comments or None)
    st.tuples(st.integers(0, len(POOL) - 1), st.one_of(st.none(), st.integers(0, 30))),
    min_size=1,
    max_size=7,
)
decisions = st.lists(
    st.one_of(
        st.tuples(st.just("moderate"), st.integers(0, 30), st.sampled_from(STATUSES)),
        # A window ends for everyone: due digests go out.
        st.tuples(st.just("tick"), st.just(0), st.just("")),
    ),
    max_size=14,
)


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Council votes on the harbour")


def _mailed(message) -> tuple[str, set[int]]:
    (address,) = message.to
    return address, {int(number) for number in re.findall(r"#comment-(\d+)", message.body)}


def _end_every_window() -> None:
    Subscription.objects.update(last_mailed_at=timezone.now() - timedelta(days=1))
    notifications.send_due_digests()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    thread=threads,
    states=st.lists(subscription_states, min_size=len(POOL), max_size=len(POOL)),
    scopes=st.lists(st.sampled_from(["all", "replies"]), min_size=len(POOL), max_size=len(POOL)),
    moves=decisions,
)
def test_mail_goes_only_to_active_subscribers_about_approved_comments_never_to_the_author_never_twice(
    article, django_capture_on_commit_callbacks, thread, states, scopes, moves
):
    # Each example lives in a savepoint that is rolled back, so examples never see each other.
    with transaction.atomic():
        comment_settings(moderation=ModerationPolicy.NOBODY)
        comments: list[Comment] = []
        for author, parent in thread:
            # Built published (a reply needs an approved parent), before anyone subscribes.
            parent_comment = comments[parent % len(comments)] if parent is not None and comments else None
            comments.append(post_comment(article, email=POOL[author], parent=parent_comment))
        for comment in comments:
            services.comment_set_status(comment=comment, status=Comment.Status.PENDING)
        comment_settings(moderation=ModerationPolicy.EVERYONE)

        now = timezone.now()
        for email, state, scope in zip(POOL, states, scopes, strict=True):
            if state == "none":
                continue
            Subscription.objects.create(
                page_id=article.pk,
                email=email,
                scope=scope,
                confirmed_at=None if state == "unconfirmed" else now,
                stopped_at=now if state == "stopped" else None,
            )
            if state == "opted_out":
                EmailOptOut.objects.create(email=email)
        active = {
            email: scope for email, state, scope in zip(POOL, states, scopes, strict=True) if state == "confirmed"
        }

        mail.outbox.clear()
        told: list[tuple[str, int]] = []
        by_id = {comment.pk: comment for comment in comments}

        def check_new_mail(start: int) -> None:
            approved_now = set(
                Comment.objects.filter(pk__in=by_id, status=Comment.Status.APPROVED).values_list("pk", flat=True)
            )
            for message in mail.outbox[start:]:
                address, comment_ids = _mailed(message)
                assert address in active, f"{address} is not an active subscriber"
                assert comment_ids, "a notice names its comments"
                for comment_id in comment_ids:
                    comment = by_id[comment_id]
                    assert comment_id in approved_now, "told of a comment that is not approved"
                    assert comment.author_email != address, "told of their own comment"
                    if active[address] == "replies":
                        assert comment.parent is not None and comment.parent.author_email == address
                    told.append((address, comment_id))

        for action, index, status in moves:
            start = len(mail.outbox)
            with django_capture_on_commit_callbacks(execute=True):
                if action == "moderate":
                    services.comment_set_status(comment=comments[index % len(comments)], status=status)
                else:
                    _end_every_window()
            check_new_mail(start)

        start = len(mail.outbox)
        _end_every_window()
        check_new_mail(start)

        assert len(told) == len(set(told)), "one address was told of one comment twice"
        # Liveness: nothing approved at the end waits forever.
        for comment in Comment.objects.filter(pk__in=by_id, status=Comment.Status.APPROVED).select_related("parent"):
            for address, scope in active.items():
                concerned = comment.author_email != address and (
                    scope == "all" or (comment.parent is not None and comment.parent.author_email == address)
                )
                assert ((address, comment.pk) in told) == concerned
        transaction.set_rollback(True)
