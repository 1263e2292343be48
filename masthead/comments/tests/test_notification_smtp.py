"""A notification over real SMTP: an aiosmtpd server started by the test receives it,
and the links in what arrived work when followed."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from django.conf import settings as django_settings
from django.test import Client

from masthead.comments import services
from masthead.comments.models import Comment, ModerationPolicy, Subscription
from masthead.comments.tests.factories import comment_settings, post_comment, subscribe
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    assert url.startswith(django_settings.SITE_URL + "/"), url
    return url.removeprefix(django_settings.SITE_URL)


def test_an_approved_comment_reaches_a_subscriber_over_smtp_with_working_links(
    site_tree, smtp_inbox, django_capture_on_commit_callbacks
):
    article = make_article(site_tree.sections["news"], title="Harbour dredging starts")
    comment_settings(moderation=ModerationPolicy.EVERYONE)
    subscribe(article, "ada@example.org", scope="all")
    comment = post_comment(article, name="Ben", email="ben@example.org", body="The dredger arrived at dawn.")

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_set_status(comment=comment, status=Comment.Status.APPROVED)

    (envelope,) = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["ada@example.org"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["From"] == django_settings.DEFAULT_FROM_EMAIL
    assert message["To"] == "ada@example.org"
    assert "Harbour dredging starts" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert "/comments/notify/unsubscribe/" in unsubscribe

    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "The dredger arrived at dawn." in text and "The dredger arrived at dawn." in html
    links = dict(
        re.findall(r"^(Read it|Stop this thread|Stop all threads|The whole thread): (\S+)$", text, re.MULTILINE)
    )
    conversation = comment.root_id or comment.pk  # the conversation's own page, never a later page of the thread
    assert links["Read it"].endswith(f"/comments/{article.pk}/?replies={conversation}#comment-{comment.pk}")
    assert all(f'href="{url}"' in html for url in links.values())

    reader = Client()
    assert reader.get(_path(links["Read it"])).status_code == 200
    assert reader.get(_path(links["Stop this thread"])).status_code == 200
    assert reader.get(_path(links["Stop all threads"])).status_code == 200
    assert Subscription.objects.get().is_active, "following a link in a mail changes nothing by itself"

    mail_provider = Client(enforce_csrf_checks=True)
    assert mail_provider.post(_path(unsubscribe), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.get().is_active


def test_in_a_flat_thread_the_author_answered_is_mailed_over_smtp(
    site_tree, smtp_inbox, django_capture_on_commit_callbacks
):
    """With one level (max_depth 1) a reply is listed as a comment of its own; "only
    replies to my comments" still tells the author it answers, and nobody else (found in review)."""
    article = make_article(site_tree.sections["news"], title="Harbour dredging starts")
    settings = comment_settings(moderation=ModerationPolicy.NOBODY, max_depth=1)
    answered = post_comment(article, name="Ada", email="ada@example.org", settings=settings)
    post_comment(article, name="Cleo", email="cleo@example.org", settings=settings)
    subscribe(article, "ada@example.org", scope="replies")
    subscribe(article, "cleo@example.org", scope="replies")

    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(
            article, name="Ben", email="ben@example.org", parent=answered, body="It did, at dawn.", settings=settings
        )

    (envelope,) = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["ada@example.org"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "It did, at dawn." in text
    (read_it,) = re.findall(r"^Read it: (\S+)$", text, re.MULTILINE)
    assert Client().get(_path(read_it)).status_code == 200
    assert reply.parent_id is None and reply.in_reply_to_id == answered.pk
