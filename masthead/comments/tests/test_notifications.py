"""'Notify of': double opt-in, who is told of which comment, the digest window, and the
signed links that stop mail (including RFC 8058 one-click unsubscribe)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from masthead.comments import notifications, services, tasks
from masthead.comments.models import Comment, EmailOptOut, ModerationPolicy, Notification, Subscription
from masthead.comments.tests.factories import comment_settings, open_settings, post_comment, subscribe
from masthead.comments.tests.hostile import GROWING_EMAIL
from masthead.comments.tokens import form_issued_token
from masthead.conftest import service_missing
from masthead.core import ratelimit
from masthead.core.periodic import PERIODIC_JOBS
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Harbour dredging starts")


@pytest.fixture
def other_article(site_tree):
    return make_article(site_tree.sections["news"], title="Ferry timetable changes")


@pytest.fixture
def held(db):
    """Every comment waits for a moderator, so tests decide when one is approved."""
    return comment_settings(moderation=ModerationPolicy.EVERYONE)


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    def approve(comment, status=Comment.Status.APPROVED):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_set_status(comment=comment, status=status)

    return approve


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block and then what it queued for after commit (tasks run at once in tests)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL + "/"), url
    return url.removeprefix(settings.SITE_URL)


def link_in(message, fragment: str) -> str:
    return next(url for url in LINK.findall(message.body) if fragment in url)


def commented_ids(message) -> set[int]:
    return {int(number) for number in re.findall(r"#comment-(\d+)", message.body)}


# Subscribing: double opt-in -----------------------------------------------------------


def test_a_guest_gets_one_confirmation_mail_and_no_notice_before_confirming(client, article, held, approve, committed):
    committed(notifications.subscription_request, page=article, email="Ada@Example.org", scope="all", ip="192.0.2.1")

    (confirmation,) = mail.outbox
    assert confirmation.to == ["ada@example.org"]
    assert confirmation.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Harbour dredging starts" in confirmation.subject
    assert not Subscription.objects.get(email="ada@example.org").is_active

    mail.outbox.clear()
    approve(post_comment(article, email="ben@example.org"))
    assert mail.outbox == []

    confirm_path = path_of(link_in(confirmation, "/comments/notify/confirm/"))
    shown = client.get(confirm_path)
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert not Subscription.objects.get(email="ada@example.org").is_active, "a mail scanner's GET confirms nothing"
    assert client.post(confirm_path).status_code == 200
    assert Subscription.objects.get(email="ada@example.org").is_active

    approve(post_comment(article, email="ben@example.org"))
    assert len(mails_to("ada@example.org")) == 1


def test_repeated_requests_send_no_further_confirmation_and_answer_the_same(article, committed):
    for _ in range(5):
        assert committed(notifications.subscription_request, page=article, email="ada@example.org", scope="all") is None
    assert len(mail.outbox) == 1


def test_running_the_confirmation_task_twice_sends_one_mail(article):
    subscription = subscribe(article, "ada@example.org", confirmed=False)
    tasks.send_confirmation.call(subscription.pk, "all")
    tasks.send_confirmation.call(subscription.pk, "all")
    assert len(mail.outbox) == 1


def test_an_already_subscribed_address_gets_no_mail_and_the_same_answer(article, committed):
    subscribe(article, "ada@example.org", scope="all")
    assert committed(notifications.subscription_request, page=article, email="ada@example.org", scope="all") is None
    assert mail.outbox == []


def test_a_signed_in_reader_with_their_own_address_is_subscribed_at_once(article, committed):
    user = get_user_model().objects.create_user("ada", email="ada@example.org", password="x" * 12)
    committed(notifications.subscription_request, page=article, email="ada@example.org", scope="replies", user=user)
    assert mail.outbox == []
    subscription = Subscription.objects.get(email="ada@example.org")
    assert subscription.is_active and subscription.scope == "replies"


def test_a_signed_in_reader_asking_for_another_address_must_confirm_it(article, committed):
    user = get_user_model().objects.create_user("ada", email="ada@example.org", password="x" * 12)
    committed(notifications.subscription_request, page=article, email="someone@example.org", scope="all", user=user)
    assert len(mails_to("someone@example.org")) == 1
    assert not Subscription.objects.get(email="someone@example.org").is_active


def test_posting_with_notify_through_the_form_asks_for_confirmation(client, article, held, monkeypatch, committed):
    token = form_issued_token()
    real = __import__("time").time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    response = committed(
        client.post,
        f"/comments/{article.pk}/post/",
        {"name": "Ada", "email": "ada@example.org", "body": "Please tell me more.", "issued": token, "notify": "all"},
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]


# Who is told of what -----------------------------------------------------------------


def test_scope_all_hears_of_every_approved_comment_and_replies_only_of_replies_to_its_own(article, held, approve):
    subscribe(article, "all@example.org", scope="all")
    subscribe(article, "mine@example.org", scope="replies")
    comment_settings(moderation=ModerationPolicy.EVERYONE, notification_window_minutes=1)
    mine = post_comment(article, email="mine@example.org")
    approve(mine)
    other = post_comment(article, email="other@example.org")
    approve(other)
    reply_to_other = post_comment(article, email="third@example.org", parent=other)
    approve(reply_to_other)
    reply_to_mine = post_comment(article, email="third@example.org", parent=mine)
    approve(reply_to_mine)

    told = {
        email: set(Notification.objects.filter(subscription__email=email).values_list("comment_id", flat=True))
        for email in ("all@example.org", "mine@example.org")
    }
    assert told["all@example.org"] == {mine.pk, other.pk, reply_to_other.pk, reply_to_mine.pk}
    assert told["mine@example.org"] == {reply_to_mine.pk}


def test_the_author_is_never_told_of_their_own_comment(article, held, approve):
    subscribe(article, "ada@example.org", scope="all")
    user = get_user_model().objects.create_user("ben", email="ben@example.org", password="x" * 12)
    subscribe(article, "ben@example.org", scope="all")
    approve(post_comment(article, email="ADA@example.org"))
    # A signed-in author is known by their account too, whatever address the comment carries.
    approve(post_comment(article, email="", user_id=user.pk))

    assert not Notification.objects.filter(
        subscription__email="ada@example.org", comment__author_email="ada@example.org"
    )
    assert not Notification.objects.filter(subscription__email="ben@example.org", comment__user=user)
    assert mails_to("ben@example.org") and mails_to("ada@example.org")


def test_a_pending_comment_is_told_only_once_approved(article, held, approve):
    subscribe(article, "ada@example.org")
    comment = post_comment(article)
    assert mail.outbox == [] and not Notification.objects.exists()
    approve(comment)
    (notice,) = mails_to("ada@example.org")
    assert commented_ids(notice) == {comment.pk}


def test_a_comment_approved_removed_and_approved_again_is_told_once(article, held, approve):
    subscribe(article, "ada@example.org")
    comment = post_comment(article)
    approve(comment)
    approve(comment, Comment.Status.TRASH)
    Subscription.objects.update(last_mailed_at=timezone.now() - timedelta(days=1))
    approve(comment)
    notifications.send_due_digests()
    assert len(mails_to("ada@example.org")) == 1


def test_stopped_unconfirmed_and_opted_out_addresses_get_nothing(article, held, approve):
    subscribe(article, "unconfirmed@example.org", confirmed=False)
    stopped = subscribe(article, "stopped@example.org")
    Subscription.objects.filter(pk=stopped.pk).update(stopped_at=timezone.now())
    subscribe(article, "out@example.org")
    EmailOptOut.objects.create(email="out@example.org")
    approve(post_comment(article))
    assert mail.outbox == []


# Delivery: the window and the digest -------------------------------------------------


def test_one_mail_per_window_then_one_digest_of_the_rest(article, held, approve):
    subscribe(article, "ada@example.org")
    first, second, third = (post_comment(article) for _ in range(3))
    approve(first)
    approve(second)
    approve(third)
    (first_mail,) = mails_to("ada@example.org")
    assert commented_ids(first_mail) == {first.pk}

    notifications.send_due_digests()
    assert len(mails_to("ada@example.org")) == 1, "the window has not ended"

    Subscription.objects.update(last_mailed_at=timezone.now() - timedelta(minutes=61))
    notifications.send_due_digests()
    notifications.send_due_digests()
    _, digest = mails_to("ada@example.org")
    assert commented_ids(digest) == {second.pk, third.pk}
    assert digest.subject.startswith("2 new comments")


def test_the_digest_skips_a_comment_removed_while_it_waited(article, held, approve):
    subscribe(article, "ada@example.org")
    first, second, third = (post_comment(article) for _ in range(3))
    for comment in (first, second, third):
        approve(comment)
    approve(second, Comment.Status.SPAM)
    Subscription.objects.update(last_mailed_at=timezone.now() - timedelta(minutes=61))
    notifications.send_due_digests()
    _, digest = mails_to("ada@example.org")
    assert commented_ids(digest) == {third.pk}


def test_a_retried_or_concurrent_delivery_sends_once(article, held, approve):
    subscription = subscribe(article, "ada@example.org")
    comment = post_comment(article)
    services.comment_set_status(comment=comment, status=Comment.Status.APPROVED)
    notifications.notifications_create(comment_id=comment.pk)
    notifications.notifications_create(comment_id=comment.pk)
    assert tasks.deliver_notifications.call(subscription.pk) == 1
    assert tasks.deliver_notifications.call(subscription.pk) == 0
    Subscription.objects.update(last_mailed_at=None)
    assert tasks.deliver_notifications.call(subscription.pk) == 0, "nothing left to tell"
    assert len(mail.outbox) == 1


def test_the_digest_job_runs_on_the_workers_timer():
    assert any(job.run is notifications.send_due_digests and job.every_seconds <= 60 for job in PERIODIC_JOBS)


def test_a_notice_has_both_parts_absolute_signed_links_and_one_click_unsubscribe(article, held, approve):
    subscribe(article, "ada@example.org")
    comment = post_comment(article, name="Ben <b>Bold</b>", body="Dredging <script>alert(1)</script> ends soon.")
    approve(comment)
    (notice,) = mail.outbox
    assert notice.from_email == settings.DEFAULT_FROM_EMAIL
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        re.escape(f"<{settings.SITE_URL}/comments/notify/unsubscribe/") + r"[^>]+/>",
        notice.extra_headers["List-Unsubscribe"],
    )
    html = html_of(notice)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Bold" in html
    for fragment in ("/comments/notify/stop/", "/comments/notify/stop-all/", f"#comment-{comment.pk}"):
        assert fragment in notice.body and fragment in html
    assert all(url.startswith(settings.SITE_URL) for url in LINK.findall(notice.body))


# The links ----------------------------------------------------------------------------


def test_stop_this_thread_asks_on_get_and_stops_on_post(client, article, other_article, held, approve):
    subscribe(article, "ada@example.org")
    subscribe(other_article, "ada@example.org")
    approve(post_comment(article))
    stop_path = path_of(link_in(mail.outbox[0], "/comments/notify/stop/"))

    shown = client.get(stop_path)
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert Subscription.objects.filter(stopped_at__isnull=True).count() == 2
    done = client.post(stop_path)
    assert done.status_code == 200 and done["Cache-Control"] == "private, no-store"
    assert not Subscription.objects.get(page_id=article.pk).is_active
    assert Subscription.objects.get(page_id=other_article.pk).is_active

    mail.outbox.clear()
    Subscription.objects.update(last_mailed_at=None)
    approve(post_comment(article))
    approve(post_comment(other_article))
    assert len(mail.outbox) == 1 and "Ferry timetable changes" in mail.outbox[0].subject


def test_stop_all_threads_opts_the_address_out_until_it_confirms_again(
    client, article, other_article, held, approve, committed
):
    subscribe(article, "ada@example.org")
    subscribe(other_article, "ada@example.org")
    approve(post_comment(article))
    stop_all_path = path_of(link_in(mail.outbox[0], "/comments/notify/stop-all/"))
    assert client.get(stop_all_path).status_code == 200 and not EmailOptOut.objects.exists()
    assert client.post(stop_all_path).status_code == 200
    assert EmailOptOut.objects.filter(email="ada@example.org").exists()
    assert not Subscription.objects.filter(stopped_at__isnull=True).exists()

    mail.outbox.clear()
    committed(notifications.subscription_request, page=other_article, email="ada@example.org", scope="all")
    (confirmation,) = mail.outbox
    approve(post_comment(other_article))
    assert len(mail.outbox) == 1, "opted out until confirmed"
    assert client.post(path_of(link_in(confirmation, "/comments/notify/confirm/"))).status_code == 200
    assert not EmailOptOut.objects.exists()
    approve(post_comment(other_article))
    assert len(mails_to("ada@example.org")) == 2


def test_one_click_unsubscribe_takes_a_post_without_csrf(article, held, approve):
    subscribe(article, "ada@example.org")
    approve(post_comment(article))
    address = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)

    assert mail_client.post(path_of(address), {"Other": "x"}).status_code == 400
    assert Subscription.objects.get().is_active
    response = mail_client.post(path_of(address), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert not Subscription.objects.get().is_active
    assert mail_client.post(path_of(address), {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_confirm_form_is_csrf_protected(article, committed):
    committed(notifications.subscription_request, page=article, email="ada@example.org", scope="all")
    confirm_path = path_of(link_in(mail.outbox[0], "/comments/notify/confirm/"))
    assert Client(enforce_csrf_checks=True).post(confirm_path).status_code == 403
    assert not Subscription.objects.get().is_active


@pytest.mark.parametrize("method", ["get", "post"])
def test_broken_forged_misused_and_expired_links_get_a_clear_400(client, article, method, monkeypatch):
    subscription = subscribe(article, "ada@example.org", confirmed=False)
    confirm = notifications.confirm_token(subscription, "all")
    stop = notifications.stop_token(subscription)
    forged = signing.dumps({"s": subscription.pk, "e": "ada@example.org"}, salt="another.salt")
    other_address = signing.dumps({"s": subscription.pk, "e": "eve@example.org"}, salt=notifications.STOP_SALT)
    gone = signing.dumps({"s": 2**40, "e": "ada@example.org"}, salt=notifications.STOP_SALT)
    cases = [
        f"/comments/notify/confirm/{confirm[:-3]}abc/",
        f"/comments/notify/confirm/{stop}/",
        f"/comments/notify/stop/{confirm}/",
        f"/comments/notify/stop/{forged}/",
        f"/comments/notify/stop/{other_address}/",
        f"/comments/notify/stop/{gone}/",
        f"/comments/notify/stop-all/{stop}/",
        f"/comments/notify/stop-all/{'x' * 2000}/",
        f"/comments/notify/stop/{stop}{'x' * 1000}/",
        "/comments/notify/unsubscribe/not-a-token/",
        f"/comments/notify/confirm/{signing.dumps([1, 2], salt=notifications.CONFIRM_SALT)}/",
        f"/comments/notify/confirm/{signing.dumps({'s': subscription.pk, 'e': 'ada@example.org', 'c': 'x'}, salt=notifications.CONFIRM_SALT)}/",
    ]
    data = {"List-Unsubscribe": "One-Click"} if method == "post" else {}
    for path in cases:
        response = getattr(client, method)(path, data)
        assert response.status_code == 400, path
        assert response["Cache-Control"] == "private, no-store"
        assert "broken or has expired" in response.content.decode()

    # Not valid UTF-8: Django itself refuses the address before any view runs.
    assert getattr(client, method)("/comments/notify/stop-all/%00%ff%fe/", data).status_code == 400

    real = __import__("time").time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real() + notifications.CONFIRM_MAX_AGE + 60)
    assert getattr(client, method)(f"/comments/notify/confirm/{confirm}/").status_code == 400
    assert not Subscription.objects.get().is_active


def test_other_methods_are_refused_without_a_500(client, article):
    stop = notifications.stop_token(subscribe(article, "ada@example.org"))
    assert client.put(f"/comments/notify/stop/{stop}/").status_code == 405
    assert client.delete(f"/comments/notify/unsubscribe/{stop}/").status_code == 405


# Floods -------------------------------------------------------------------------------


@pytest.fixture(params=["database", "redis"])
def rate_limit_counter(request, settings):
    """Rate limits counted in the database (no Redis) and in Redis, as sites run them."""
    if request.param == "redis":
        url = settings.CONFIG.test_redis_url
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            service_missing(f"Redis not reachable at {url}: {error}")
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = url
    ratelimit.reset_for_tests()
    yield request.param
    ratelimit.reset_for_tests()


def test_two_hundred_subscribe_requests_for_one_address_send_one_confirmation_mail(
    client, article, held, monkeypatch, django_capture_on_commit_callbacks, rate_limit_counter
):
    # Redis keeps its counters between runs: addresses (mail and network) new to each run
    # start at zero.
    run = uuid.uuid4()
    victim, calm = f"victim-{run.hex[:12]}@example.org", f"calm-{run.hex[:12]}@example.org"
    flood_ip, calm_ip = (f"10.{run.bytes[n]}.{run.bytes[n + 1]}.{run.bytes[n + 2]}" for n in (0, 3))
    # The comment limits are opened wide so that all 200 requests reach "Notify of".
    comment_settings(moderation=ModerationPolicy.EVERYONE, posts_per_minute_per_ip=1000, posts_per_hour_per_email=1000)
    token = form_issued_token()
    real = __import__("time").time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    fields = {"name": "Flood", "email": victim, "issued": token, "notify": "all"}
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(200):
            response = client.post(
                f"/comments/{article.pk}/post/", {**fields, "body": f"Message {number}"}, REMOTE_ADDR=flood_ip
            )
            assert response.status_code in (302, 429)
    assert len(mails_to(victim)) == 1
    assert Subscription.objects.filter(email=victim).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/{article.pk}/post/",
            {**fields, "email": calm, "body": "Tell me too."},
            REMOTE_ADDR=calm_ip,
        )
    assert response.status_code == 302
    assert len(mails_to(calm)) == 1, "other readers still subscribe"


def test_one_address_cannot_be_mailed_about_many_articles_at_once(site_tree, committed):
    open_settings()
    pages = [make_article(site_tree.sections["news"], title=f"Story {n}") for n in range(12)]
    for page in pages:
        committed(notifications.subscription_request, page=page, email="victim@example.org", scope="all")
    assert len(mail.outbox) == notifications.REQUESTS_PER_HOUR_PER_EMAIL


def test_links_for_the_longest_addresses_work(client, article):
    address = ("a" * 64) + "@" + ".".join(["b" * 60] * 3) + ".org"
    assert len(address) > 240
    subscription = subscribe(article, address, confirmed=False)
    confirm = client.post(f"/comments/notify/confirm/{notifications.confirm_token(subscription, 'replies')}/")
    assert confirm.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.scope == "replies"
    stop_all = client.post(f"/comments/notify/stop-all/{notifications.stop_all_token(address)}/")
    assert stop_all.status_code == 200 and EmailOptOut.objects.filter(email=address).exists()


def test_replies_past_the_depth_tell_the_author_answered_not_the_one_above(
    site_tree, django_capture_on_commit_callbacks
):
    """At the deepest level a reply is placed beside the comment it answers; "replies to my
    comments" still tells that comment's author, and not its parent's (found in review)."""
    from masthead.comments.models import Notification, Subscription
    from masthead.comments.tests.factories import open_settings, post_comment
    from masthead.news.tests.factories import make_article

    article = make_article(site_tree.sections["news"])
    settings = open_settings(max_depth=2)
    with django_capture_on_commit_callbacks(execute=True):
        top = post_comment(article, email="top@example.org", settings=settings)
        answered = post_comment(article, parent=top, email="answered@example.org", settings=settings)
        for email in ("top@example.org", "answered@example.org"):
            Subscription.objects.create(
                page=article, email=email, scope=Subscription.Scope.REPLIES, confirmed_at=timezone.now()
            )
        third = post_comment(article, parent=answered, email="third@example.org", settings=settings)
    told = set(Notification.objects.filter(comment=third).values_list("subscription__email", flat=True))
    assert told == {"answered@example.org"}


def test_an_address_too_long_once_in_lower_case_subscribes_nothing(article):
    """Kept in lower case, it would not fit the address column (found in review)."""
    notifications.subscription_request(page=article, email=GROWING_EMAIL, scope="all", ip="203.0.113.9")
    assert not Subscription.objects.exists()
