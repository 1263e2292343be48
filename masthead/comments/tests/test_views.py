"""Readers' endpoints: the thread under a cached article, posting with and without
script, own comments, likes and counts."""

import json

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.comments import services
from masthead.comments.models import Comment, ModerationPolicy
from masthead.comments.tests.factories import comment_settings, open_settings, post_comment
from masthead.comments.tokens import form_issued_token
from masthead.news.tests.factories import make_article
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import assert_cacheable

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Harbour dredging starts")


@pytest.fixture
def aged_form(monkeypatch):
    """A form shown long enough ago that a person could have written it."""
    import time

    token = form_issued_token()
    real = time.time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    return token


def guest_post(client, article, aged_form, *, json_reply=False, **fields):
    data = {"name": "Ada", "email": "ada@example.org", "body": "Good to see this finally happen.", "issued": aged_form}
    data.update(fields)
    headers = {"Accept": "application/json"} if json_reply else {}
    return client.post(f"/comments/{article.pk}/post/", data, headers=headers)


def test_the_article_shows_its_approved_thread_and_stays_cacheable(client, article):
    settings = open_settings()
    post_comment(article, name="Ben Reader", body="First thought: see https://example.org/report.", settings=settings)
    comment_settings(moderation=ModerationPolicy.EVERYONE)
    post_comment(article, name="Hidden Pending", body="Not yet approved")

    response = client.get(article.url)

    assert_cacheable(response)
    text = response.content.decode()
    assert "Comments (<span data-comment-count" in text and "Ben Reader" in text
    assert "Hidden Pending" not in text
    assert 'rel="nofollow ugc noopener"' in text
    assert "csrfmiddlewaretoken" not in text


def test_approving_a_comment_shows_it_on_the_next_read(client, article, django_capture_on_commit_callbacks):
    comment_settings(moderation=ModerationPolicy.EVERYONE)
    comment = post_comment(article, name="Late Approval")
    assert "Late Approval" not in client.get(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_set_status(comment=comment, status=Comment.Status.APPROVED)
    assert "Late Approval" in client.get(article.url).content.decode()


def test_the_article_page_queries_do_not_grow_with_its_comments(client, article):
    open_settings()

    def queries():
        client.get(article.url)
        page_store().purge_all()  # fragments and worker memory start over
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.url).status_code == 200
        return len(captured)

    post_comment(article, parent=post_comment(article))
    few = queries()
    for _ in range(30):
        parent = post_comment(article)
        post_comment(article, parent=parent)
    assert queries() == few


def test_a_guest_posts_without_script_and_lands_on_a_page_that_says_what_happens(client, article, aged_form):
    comment_settings(moderation=ModerationPolicy.FIRST_TIME)
    response = guest_post(client, article, aged_form)
    assert response.status_code == 302 and "?sent=" in response["Location"]
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert "awaiting moderation" in landing.content.decode().lower() or "once a moderator" in landing.content.decode()
    assert landing["Cache-Control"] == "private, no-store"
    cookie = response.cookies["masthead_comments"]
    assert cookie["path"] == "/comments/" and cookie["httponly"]


def test_a_guest_posts_with_script_and_gets_json(client, article, aged_form):
    open_settings()
    response = guest_post(client, article, aged_form, json_reply=True)
    assert response.status_code == 201
    payload = response.json()
    assert payload["ok"] and payload["status"] == "approved" and "Good to see" in payload["html"]


def test_bad_fields_get_clear_messages_and_no_500(client, article, aged_form):
    open_settings()
    response = guest_post(client, article, aged_form, json_reply=True, email="not-an-address", body="")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "email" in errors and "body" in errors
    page = guest_post(client, article, aged_form, name="")
    assert page.status_code == 400 and "Give a name" in page.content.decode()


def test_the_honeypot_and_a_form_sent_too_soon_are_refused(client, article):
    open_settings()
    fresh = form_issued_token()
    assert guest_post(client, article, fresh, json_reply=True).status_code == 429
    assert guest_post(client, article, fresh, json_reply=True, company="Spam Inc").status_code == 400
    assert guest_post(client, article, "forged", json_reply=True).status_code == 400
    assert not Comment.objects.exists()


def test_the_form_is_an_uncached_piece_with_a_csrf_token(client, article):
    response = client.get(f"/comments/{article.pk}/form/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_posting_needs_the_csrf_token(article, aged_form):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/comments/{article.pk}/post/",
        {"name": "A", "email": "a@example.org", "body": "x", "issued": aged_form},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403 and not response.json()["ok"]


def test_me_shows_a_browsers_own_pending_comment_and_its_edit_window(client, article, aged_form):
    comment_settings(moderation=ModerationPolicy.EVERYONE)
    guest_post(client, article, aged_form, json_reply=True)
    state = client.get(f"/comments/{article.pk}/me/").json()
    (own,) = state["own"]
    assert own["status"] == "pending" and own["editable"] and state["csrf"]
    other = client.__class__()
    assert other.get(f"/comments/{article.pk}/me/").json()["own"] == []


def test_a_guest_edits_and_deletes_their_comment_from_the_same_browser_only(client, article, aged_form):
    open_settings()
    comment_id = guest_post(client, article, aged_form, json_reply=True).json()["id"]
    edited = client.post(
        f"/comments/c/{comment_id}/edit/", {"body": "Changed my mind."}, headers={"Accept": "application/json"}
    )
    assert edited.json()["ok"] and "Changed my mind" in Comment.objects.get(pk=comment_id).body
    stranger = client.__class__()
    assert stranger.post(f"/comments/c/{comment_id}/edit/", {"delete": "1"}).status_code == 404
    client.post(f"/comments/c/{comment_id}/edit/", {"delete": "1"})
    assert Comment.objects.get(pk=comment_id).status == Comment.Status.TRASH


def test_likes_are_one_per_browser_and_counts_are_short_lived(client, article):
    comment = post_comment(article, settings=open_settings())
    assert client.post(f"/comments/c/{comment.pk}/like/").json() == {"ok": True, "liked": True, "count": 1}
    other = client.__class__()
    assert other.post(f"/comments/c/{comment.pk}/like/").json()["count"] == 2
    assert client.post(f"/comments/c/{comment.pk}/like/").json() == {"ok": True, "liked": False, "count": 1}
    likes = client.get(f"/comments/likes/?ids={comment.pk}")
    assert likes.json() == {str(comment.pk): 1} and likes["Cache-Control"] == "public, max-age=15"
    counts = client.get(f"/comments/counts/?pages={article.pk},999")
    assert counts.json() == {str(article.pk): 1, "999": 0}


def test_the_thread_page_works_without_script_and_pages_with_a_cursor(client, article):
    settings = open_settings()
    for _ in range(25):
        post_comment(article, settings=settings)
    response = client.get(f"/comments/{article.pk}/")
    assert_cacheable(response)
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    more = page.find(".//p[@class='comments__more']/a")
    assert more is not None
    second = client.get(more.get("href").replace("&amp;", "&"))
    assert second.status_code == 200 and second.content.decode().count('class="comment"') == 5
    assert client.get(f"/comments/{article.pk}/?after=01-1").status_code == 400


def test_comments_on_a_page_that_takes_none_are_404(client, site_tree):
    assert client.get(f"/comments/{site_tree.home.pk}/").status_code == 404
    assert client.get("/comments/99999999/form/").status_code == 404
    assert client.get("/comments/99999999999999999999999/").status_code == 404


# The thread's own page after its discussion was purged: the discussion, the top-level
# comments, their replies. The page itself (and its privacy), the settings and the site's
# chrome stay remembered, as the discussion's purge does not name them.
THREAD_PAGE_QUERIES = 3


@pytest.mark.parametrize("threads", [2, 40])
def test_the_thread_page_has_a_pinned_query_count_whatever_the_thread_size(client, article, threads):
    settings = open_settings()
    for _ in range(threads):
        post_comment(article, parent=post_comment(article, settings=settings), settings=settings)
    client.get(f"/comments/{article.pk}/")
    client.get(article.url)  # the chrome's fragments are made
    page_store().purge_keys([cache_keys.discussion(article.pk)])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/comments/{article.pk}/").status_code == 200
    assert len(captured) == THREAD_PAGE_QUERIES, "\n".join(query["sql"][:200] for query in captured)


# A guest's comment on a page read before: the comment settings, the page and the ban
# list are remembered. Left: two rate-limit counters (in Redis when the site has one), the
# discussion row, whether the address has an approved comment; then the insert, its path
# and the count in one transaction (a savepoint here, inside the test's).
POST_QUERIES = 9


def test_posting_a_comment_has_a_pinned_query_count(client, article, aged_form):
    comment_settings(moderation=ModerationPolicy.FIRST_TIME)
    guest_post(client, article, aged_form, json_reply=True, email="first@example.org")
    with CaptureQueriesContext(connection) as captured:
        assert guest_post(client, article, aged_form, json_reply=True, email="second@example.org").status_code == 201
    assert len(captured) == POST_QUERIES, "\n".join(query["sql"][:200] for query in captured)


def test_behind_the_page_cache_each_comment_address_is_its_own_page(article, tmp_path):
    """The page cache keeps a conversation, a sort, a later page of the thread and a set
    of counts under their own addresses: none is answered with another's (found in review)."""
    from django.core.handlers.wsgi import WSGIHandler

    from masthead.pagecache.stores import FileStore
    from masthead.pagecache.tests.helpers import wsgi_request
    from masthead.pagecache.wsgi import PageCacheApplication

    settings = open_settings()
    first = post_comment(article, body="The first conversation.", settings=settings)
    for number in range(25):
        post_comment(article, body=f"Later comment {number}.", settings=settings)
    site = PageCacheApplication(WSGIHandler(), store=FileStore(tmp_path / "pages"))
    path = f"/comments/{article.pk}/"

    def body(address, query=""):
        for _ in range(2):  # the second answer is the stored one
            response = wsgi_request(site, address, query=query)
        return response.body.decode()

    thread = body(path)
    assert "The first conversation." not in thread  # on a later page, newest first
    assert "The first conversation." in body(path, f"replies={first.pk}")
    assert "The first conversation." in body(path, "sort=oldest")
    cursor = html5lib.parse(thread, namespaceHTMLElements=False).find(".//p[@class='comments__more']/a").get("href")
    assert "The first conversation." in body(path, cursor.split("?", 1)[1].replace("&amp;", "&"))
    assert json.loads(body("/comments/counts/")) == {}
    assert json.loads(body("/comments/counts/", f"pages={article.pk}")) == {str(article.pk): 26}


def test_a_cursor_past_the_year_9999_is_a_broken_link_not_an_error(client, article):
    open_settings()
    post_comment(article)
    for address in (f"/comments/{article.pk}/", f"/comments/{article.pk}/more/"):
        assert client.get(address, {"after": "999999999999999999-1"}).status_code == 400


def test_a_forwarded_address_that_is_not_one_is_ignored(client, article, aged_form, settings):
    """Behind a proxy, a client-written X-Forwarded-For must not become the address kept
    with a comment (found in review: PostgreSQL refused it with a 500)."""
    settings.MASTHEAD_PROXY_HOPS = 1
    open_settings()
    response = client.post(
        f"/comments/{article.pk}/post/",
        {"name": "Ada", "email": "ada@example.org", "body": "Hello", "issued": aged_form},
        headers={"Accept": "application/json", "X-Forwarded-For": "not-an-address"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 201
    assert Comment.objects.get().ip_address == "198.51.100.4"


def test_a_page_behind_a_password_or_under_a_private_section_takes_no_comments(
    client, article, aged_form, django_capture_on_commit_callbacks
):
    """Privacy is read from the restrictions each worker keeps: a new one reaches them."""
    from wagtail.models import PageViewRestriction

    open_settings()
    assert client.get(f"/comments/{article.pk}/").status_code == 200  # the page is now remembered
    with django_capture_on_commit_callbacks(execute=True):  # a privacy change purges everything
        PageViewRestriction.objects.create(
            page=article.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
        )
    assert client.get(f"/comments/{article.pk}/").status_code == 404
    assert guest_post(client, article, aged_form).status_code == 404
    assert not Comment.objects.filter(page=article).exists()


def test_the_thread_pages_canonical_address_is_the_bare_thread_whatever_the_first_reader_asked(article, tmp_path):
    """The page cache stores the thread under its path alone, ignoring parameters it was
    not built from: the canonical link must not carry the first reader's campaign tags,
    nor a sort or a later page (the same conversation), nor their Host (found in review)."""
    from django.conf import settings as django_settings
    from django.core.handlers.wsgi import WSGIHandler

    from masthead.pagecache.stores import FileStore
    from masthead.pagecache.tests.helpers import wsgi_request
    from masthead.pagecache.wsgi import PageCacheApplication

    settings = open_settings()
    for _ in range(25):
        post_comment(article, settings=settings)
    site = PageCacheApplication(WSGIHandler(), store=FileStore(tmp_path / "pages"))
    path = f"/comments/{article.pk}/"
    expected = django_settings.SITE_URL.rstrip("/") + path

    def canonical(query=""):
        body = wsgi_request(site, path, query=query).body.decode()
        (link,) = [
            element
            for element in html5lib.parse(body, namespaceHTMLElements=False).iter("link")
            if element.get("rel") == "canonical"
        ]
        return link.get("href")

    assert canonical("utm_source=%22evil.example%2Fphish&utm_medium=mail") == expected
    assert canonical() == expected
    assert canonical("sort=oldest") == expected
    thread = wsgi_request(site, path).body.decode()
    cursor = html5lib.parse(thread, namespaceHTMLElements=False).find(".//p[@class='comments__more']/a").get("href")
    assert canonical(cursor.split("?", 1)[1].replace("&amp;", "&")) == expected
