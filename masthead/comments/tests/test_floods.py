"""Floods through the real views: one address (network or email) sending far more than a
person would gets the site's limit through and a clear 429 for the rest, while every
other reader goes on commenting and liking. Counted in the database and in Redis."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings as django_settings

from masthead.comments import views
from masthead.comments.models import Comment
from masthead.comments.tests.factories import open_settings, post_comment
from masthead.comments.tokens import form_issued_token
from masthead.conftest import service_missing
from masthead.core import ratelimit
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

FLOOD = 200


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Harbour dredging starts")


@pytest.fixture(params=["database", "redis"])
def limits(request, settings):
    """Where the limits count: the database (no Redis) or the test Redis database."""
    if request.param == "database":
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = ""
        ratelimit.reset_for_tests()
        yield request.param
        ratelimit.reset_for_tests()
        return
    url = django_settings.CONFIG.test_redis_url
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        service_missing(f"Redis not reachable at {url}: {error}")

    def forget():
        keys = list(client.scan_iter(match="masthead:ratelimit:comment-*"))
        if keys:
            client.delete(*keys)

    settings.MASTHEAD_PAGE_CACHE_REDIS_URL = url
    ratelimit.reset_for_tests()
    forget()
    yield request.param
    forget()
    ratelimit.reset_for_tests()


@pytest.fixture
def one_minute(monkeypatch):
    """A form shown a while ago, and a clock that stays inside one minute (and one hour)
    for the whole flood, so no window boundary lets a second batch through."""
    shown = time.time()
    token = form_issued_token()
    inside = (int(shown) // 3600 + 1) * 3600 + 1  # just after the next hour starts
    monkeypatch.setattr("time.time", lambda: inside)
    return token


def post(client, article, token, *, ip: str, number: int, email: str = "", **fields):
    data = {
        "name": f"Reader {number}",
        "email": email or f"reader{number}@example.org",
        "body": f"Comment number {number}.",
        "issued": token,
    }
    data.update(fields)
    return client.post(f"/comments/{article.pk}/post/", data, headers={"Accept": "application/json"}, REMOTE_ADDR=ip)


def test_a_flood_from_one_address_gets_the_limit_through_and_others_still_post(client, article, one_minute, limits):
    open_settings(posts_per_minute_per_ip=5)
    statuses = [post(client, article, one_minute, ip="203.0.113.66", number=n).status_code for n in range(FLOOD)]
    assert statuses == [201] * 5 + [429] * (FLOOD - 5)
    others = [post(client, article, one_minute, ip=f"198.51.100.{n}", number=1000 + n) for n in range(1, 6)]
    assert [response.status_code for response in others] == [201] * 5
    assert Comment.objects.filter(ip_address="203.0.113.66").count() == 5
    assert Comment.objects.count() == 10


def test_a_refused_flood_says_why_and_when_to_try_again(client, article, one_minute, limits):
    open_settings(posts_per_minute_per_ip=1)
    post(client, article, one_minute, ip="203.0.113.66", number=1)
    refused = post(client, article, one_minute, ip="203.0.113.66", number=2)
    assert refused.status_code == 429
    assert refused.json() == {
        "ok": False,
        "message": "You are commenting too fast. Please wait a minute and try again.",
        "errors": {},
    }
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "private, no-store"


def test_a_refused_post_without_script_keeps_what_the_reader_wrote(client, article, one_minute, limits):
    open_settings(posts_per_minute_per_ip=1)
    post(client, article, one_minute, ip="203.0.113.66", number=1)
    refused = client.post(
        f"/comments/{article.pk}/post/",
        {"name": "Ada", "email": "ada@example.org", "body": "A long and careful reply.", "issued": one_minute},
        REMOTE_ADDR="203.0.113.66",
    )
    text = refused.content.decode()
    assert refused.status_code == 429
    assert "You are commenting too fast" in text
    assert "A long and careful reply.</textarea>" in text and 'value="Ada"' in text


def test_a_flood_from_one_email_address_gets_its_hourly_limit_through(client, article, one_minute, limits):
    settings = open_settings(posts_per_minute_per_ip=5, posts_per_hour_per_email=20)
    statuses = [
        post(client, article, one_minute, ip=f"10.0.{n // 250}.{n % 250}", number=n, email="Flood@Example.org")
        for n in range(FLOOD)
    ]
    assert [response.status_code for response in statuses] == [201] * 20 + [429] * (FLOOD - 20)
    refused = statuses[-1]
    # The hour is what the reader waits for; "a minute" would send them back too soon.
    assert "hour" in refused.json()["message"]
    assert 60 < int(refused["Retry-After"]) <= 3600
    assert Comment.objects.filter(author_email="flood@example.org").count() == settings.posts_per_hour_per_email
    assert post(client, article, one_minute, ip="10.9.9.9", number=9999).status_code == 201


def test_a_flood_of_likes_from_one_address_gets_the_limit_through(client, article, limits, one_minute):
    open_settings()
    comment = post_comment(article)
    statuses = [
        client.post(f"/comments/c/{comment.pk}/like/", REMOTE_ADDR="203.0.113.66").status_code for _ in range(FLOOD)
    ]
    limit = views.LIKES_PER_MINUTE_PER_IP
    assert statuses == [200] * limit + [429] * (FLOOD - limit)
    refused = client.post(f"/comments/c/{comment.pk}/like/", REMOTE_ADDR="203.0.113.66")
    assert "Too many likes" in refused.json()["message"] and 0 < int(refused["Retry-After"]) <= 60
    other = client.post(f"/comments/c/{comment.pk}/like/", REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 200 and other.json()["ok"]


def edit(client, comment_id: int, *, ip: str, number: int):
    return client.post(
        f"/comments/c/{comment_id}/edit/",
        {"body": f"Second thoughts, number {number}."},
        headers={"Accept": "application/json"},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def purges(monkeypatch):
    """The discussion purges that commits ran (each one also purges the CDN)."""
    purged = []
    monkeypatch.setattr("masthead.comments.services.purge_discussion", purged.append)
    return purged


def test_a_flood_of_edits_from_one_address_gets_the_limit_through_and_purges_no_more(
    client, article, one_minute, limits, purges, django_capture_on_commit_callbacks
):
    """Each saved edit purges the article and its discussion: a flood of edits must not
    become a flood of purges (found in review)."""
    open_settings()
    comment_id = post(client, article, one_minute, ip="203.0.113.66", number=1).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [edit(client, comment_id, ip="203.0.113.66", number=n).status_code for n in range(FLOOD)]
    limit = views.EDITS_PER_MINUTE_PER_IP
    assert statuses == [200] * limit + [429] * (FLOOD - limit)
    assert len(purges) == limit
    refused = edit(client, comment_id, ip="203.0.113.66", number=FLOOD)
    assert refused.json() == {"ok": False, "message": "You are changing comments too fast. Please wait a minute."}
    assert 0 < int(refused["Retry-After"]) <= 60 and refused["Cache-Control"] == "private, no-store"
    assert Comment.objects.get(pk=comment_id).body == f"Second thoughts, number {limit - 1}."
    assert (
        client.post(f"/comments/c/{comment_id}/edit/", {"delete": "1"}, REMOTE_ADDR="203.0.113.66").status_code == 302
    )


def test_edits_of_one_comment_from_many_addresses_get_the_comments_limit_through(
    client, article, one_minute, limits, purges, django_capture_on_commit_callbacks
):
    open_settings()
    comment_id = post(client, article, one_minute, ip="203.0.113.66", number=1).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            edit(client, comment_id, ip=f"10.0.{n // 250}.{n % 250}", number=n).status_code for n in range(FLOOD)
        ]
    limit = views.EDITS_PER_HOUR_PER_COMMENT
    assert statuses == [200] * limit + [429] * (FLOOD - limit)
    assert len(purges) == limit
    refused = client.post(f"/comments/c/{comment_id}/edit/", {"body": "Once more."}, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429 and "changed as often as it may be this hour" in refused.content.decode()
    assert 60 < int(refused["Retry-After"]) <= 3600
