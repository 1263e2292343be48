"""The Akismet-compatible spam checker: the gateway against a local server that answers
as Akismet does, and posting through the view with the checker on, off and down."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from masthead.comments import spamcheck
from masthead.comments.models import Comment
from masthead.comments.tests.factories import comment_settings, open_settings
from masthead.comments.tokens import form_issued_token
from masthead.core.tests.processes import free_port
from masthead.news.tests.factories import make_article

API_KEY = "test-key-123"
# Akismet's documented test values: this author (or address) is always spam.
SPAM_AUTHOR = "viagra-test-123"
SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
REQUIRED = ("blog", "user_ip")


class FakeAkismet(BaseHTTPRequestHandler):
    """Answers /1.1/comment-check as Akismet does: "invalid" for a missing or unknown key,
    a sentence for a missing required field, otherwise "true" or "false"."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        fields = {key: values[0] for key, values in parse_qs(raw.decode(), keep_blank_values=True).items()}
        self.server.seen.append(
            {"path": self.path, "content_type": self.headers.get("Content-Type", ""), "fields": fields}
        )
        if self.server.mode == "hang":
            self.server.release.wait(timeout=30)
        if self.server.mode == "broken":
            return self._answer("Internal error", status=500)
        if self.path != "/1.1/comment-check":
            return self._answer("Not found", status=404)
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self._answer("invalid", debug="Send the fields form-encoded.")
        if fields.get("api_key") != API_KEY:
            return self._answer("invalid", debug="Empty 'api_key' value" if not fields.get("api_key") else "Bad key")
        for name in REQUIRED:
            if not fields.get(name):
                return self._answer(f"Missing required field: {name}.", debug=f"Empty '{name}' value")
        spam = fields.get("comment_author") == SPAM_AUTHOR or fields.get("comment_author_email") == SPAM_EMAIL
        return self._answer("true" if spam else "false")

    def _answer(self, text: str, *, status: int = 200, debug: str = ""):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if debug:
            self.send_header("X-akismet-debug-help", debug)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def akismet():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAkismet)
    server.daemon_threads = True
    server.seen = []
    server.mode = "normal"
    server.release = threading.Event()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def submission(**changes) -> spamcheck.Submission:
    values = {
        "user_ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        "referrer": "https://news.example.org/news/harbour/",
        "author": "Ada Reader",
        "author_email": "ada@example.org",
        "author_url": "https://ada.example.org/",
        "content": "The harbour plan ignores the tides. Naïve, and 100 % wrong.",
        "permalink": "https://news.example.org/news/harbour/",
    }
    values.update(changes)
    return spamcheck.Submission(**values)


def check(akismet, *, api_key: str = API_KEY, **changes) -> bool:
    return spamcheck.is_spam(
        endpoint=akismet.url, api_key=api_key, blog="https://news.example.org", submission=submission(**changes)
    )


def test_the_checker_is_asked_with_every_field_akismet_knows(akismet):
    assert check(akismet) is False
    [request] = akismet.seen
    assert request["path"] == "/1.1/comment-check"
    assert request["content_type"].startswith("application/x-www-form-urlencoded")
    assert request["fields"] == {
        "api_key": API_KEY,
        "blog": "https://news.example.org",
        "user_ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        "referrer": "https://news.example.org/news/harbour/",
        "comment_type": "comment",
        "comment_author": "Ada Reader",
        "comment_author_email": "ada@example.org",
        "comment_author_url": "https://ada.example.org/",
        "comment_content": "The harbour plan ignores the tides. Naïve, and 100 % wrong.",
        "permalink": "https://news.example.org/news/harbour/",
        "blog_charset": "UTF-8",
    }


def test_a_trailing_slash_on_the_endpoint_does_not_change_the_address(akismet):
    spamcheck.is_spam(endpoint=akismet.url + "/", api_key=API_KEY, blog="https://x.example", submission=submission())
    assert akismet.seen[0]["path"] == "/1.1/comment-check"


def test_true_means_spam(akismet):
    assert check(akismet, author=SPAM_AUTHOR) is True
    assert check(akismet, author_email=SPAM_EMAIL) is True


@pytest.mark.parametrize(
    ("mode", "api_key", "changes", "logged"),
    [
        ("normal", "wrong-key", {}, "'invalid'"),
        ("normal", "", {}, "Empty 'api_key' value"),
        ("normal", API_KEY, {"user_ip": ""}, "Missing required field: user_ip."),
        ("broken", API_KEY, {}, "500"),
    ],
    ids=["unknown key", "no key", "missing field", "server error"],
)
def test_any_answer_but_true_or_false_is_logged_and_not_spam(akismet, caplog, mode, api_key, changes, logged):
    akismet.mode = mode
    with caplog.at_level(logging.WARNING, logger="masthead.comments.spamcheck"):
        assert check(akismet, api_key=api_key, author=SPAM_AUTHOR, **changes) is False
    assert logged in caplog.text and "not spam" in caplog.text


def test_a_checker_that_is_down_means_not_spam(caplog):
    endpoint = f"http://127.0.0.1:{free_port()}"
    with caplog.at_level(logging.WARNING, logger="masthead.comments.spamcheck"):
        assert not spamcheck.is_spam(
            endpoint=endpoint, api_key=API_KEY, blog="https://x.example", submission=submission()
        )
    assert endpoint in caplog.text


def test_a_checker_that_does_not_answer_in_time_means_not_spam(akismet, caplog):
    akismet.mode = "hang"
    assert spamcheck.TIMEOUT_SECONDS == 2  # what a reader waits at most when the checker hangs
    with caplog.at_level(logging.WARNING, logger="masthead.comments.spamcheck"):
        verdict = spamcheck.is_spam(
            endpoint=akismet.url, api_key=API_KEY, blog="https://x.example", submission=submission(), timeout=0.2
        )
    assert verdict is False and "timed out" in caplog.text.lower()


# Posting through the view.


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Harbour dredging starts")


@pytest.fixture
def aged_form(monkeypatch):
    import time

    token = form_issued_token()
    real = time.time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    return token


@pytest.fixture
def checker_on(akismet, settings):
    settings.MASTHEAD_SPAM_CHECKER_KEY = API_KEY
    open_settings(spam_checker_enabled=True, spam_checker_url=akismet.url)
    return akismet


def post(client, article, aged_form, **fields):
    data = {
        "name": "Ada Reader",
        "email": "ada@example.org",
        "body": "A fair point about dredging.",
        "issued": aged_form,
    }
    data.update(fields)
    return client.post(
        f"/comments/{article.pk}/post/",
        data,
        headers={"Accept": "application/json", "User-Agent": "Firefox/140.0", "Referer": article.full_url},
        REMOTE_ADDR="198.51.100.23",
    )


@pytest.mark.django_db
def test_a_comment_the_checker_calls_spam_goes_to_the_spam_folder(client, article, aged_form, checker_on, settings):
    response = post(client, article, aged_form, name=SPAM_AUTHOR, url="https://pills.example/")
    assert response.status_code == 201
    assert "once a moderator" in response.json()["message"]  # a spammer learns nothing
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM and comment.hold_reason == "the spam checker's verdict"
    [request] = checker_on.seen
    assert request["fields"] | {"api_key": "…"} == {
        "api_key": "…",
        "blog": settings.SITE_URL,
        "user_ip": "198.51.100.23",
        "user_agent": "Firefox/140.0",
        "referrer": article.full_url,
        "comment_type": "comment",
        "comment_author": SPAM_AUTHOR,
        "comment_author_email": "ada@example.org",
        "comment_author_url": "https://pills.example/",
        "comment_content": "A fair point about dredging.",
        "permalink": article.full_url,
        "blog_charset": "UTF-8",
    }


@pytest.mark.django_db
def test_a_comment_taken_for_spam_subscribes_nobody(client, article, aged_form, checker_on, mailoutbox):
    """Its address may be someone else's: no confirmation mail goes to it."""
    from masthead.comments.models import Subscription

    post(client, article, aged_form, name=SPAM_AUTHOR, notify="all", email="victim@example.org")
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert not Subscription.objects.exists() and mailoutbox == []


@pytest.mark.django_db
def test_a_comment_the_checker_calls_ham_is_published(client, article, aged_form, checker_on):
    assert post(client, article, aged_form).status_code == 201
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert len(checker_on.seen) == 1


@pytest.mark.django_db
def test_commenting_goes_on_while_the_checker_is_down(client, article, aged_form, settings, caplog):
    settings.MASTHEAD_SPAM_CHECKER_KEY = API_KEY
    open_settings(spam_checker_enabled=True, spam_checker_url=f"http://127.0.0.1:{free_port()}")
    with caplog.at_level(logging.WARNING, logger="masthead.comments.spamcheck"):
        assert post(client, article, aged_form, name=SPAM_AUTHOR).status_code == 201
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert "Spam checker" in caplog.text


@pytest.mark.django_db
def test_the_checker_is_not_asked_about_a_comment_already_held(client, article, aged_form, checker_on):
    comment_settings(blocked_words="dredging")
    assert post(client, article, aged_form, name=SPAM_AUTHOR).status_code == 201
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.hold_reason == "contains a blocked word"
    assert checker_on.seen == []


@pytest.mark.django_db
def test_the_checker_is_not_asked_about_a_refused_comment(client, article, aged_form, checker_on):
    comment_settings(enabled=False)
    assert post(client, article, aged_form, name=SPAM_AUTHOR).status_code == 403
    assert checker_on.seen == [] and not Comment.objects.exists()


@pytest.mark.django_db
def test_the_checker_is_off_by_default(client, article, aged_form, akismet, settings):
    settings.MASTHEAD_SPAM_CHECKER_KEY = API_KEY
    open_settings(spam_checker_url=akismet.url)
    assert post(client, article, aged_form, name=SPAM_AUTHOR).status_code == 201
    assert Comment.objects.get().status == Comment.Status.APPROVED and akismet.seen == []


@pytest.mark.django_db
def test_the_checker_is_off_without_a_key(client, article, aged_form, akismet, settings):
    settings.MASTHEAD_SPAM_CHECKER_KEY = ""
    open_settings(spam_checker_enabled=True, spam_checker_url=akismet.url)
    assert post(client, article, aged_form, name=SPAM_AUTHOR).status_code == 201
    assert Comment.objects.get().status == Comment.Status.APPROVED and akismet.seen == []


@pytest.mark.django_db
def test_staff_are_never_checked(admin_client, article, aged_form, checker_on):
    response = admin_client.post(
        f"/comments/{article.pk}/post/",
        {"body": "Editor's note: dredging starts Monday.", "issued": aged_form},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    assert Comment.objects.get().status == Comment.Status.APPROVED and checker_on.seen == []


@pytest.mark.django_db
def test_an_edit_is_asked_of_the_checker_too(
    client, article, aged_form, akismet, settings, django_capture_on_commit_callbacks
):
    """Published as harmless text, then edited into spam within the edit window (found in review)."""
    open_settings()
    comment_id = post(client, article, aged_form, name=SPAM_AUTHOR).json()["id"]
    assert Comment.objects.get(pk=comment_id).status == Comment.Status.APPROVED
    settings.MASTHEAD_SPAM_CHECKER_KEY = API_KEY
    with django_capture_on_commit_callbacks(execute=True):  # saved settings reach every worker
        open_settings(spam_checker_enabled=True, spam_checker_url=akismet.url)
    client.post(f"/comments/c/{comment_id}/edit/", {"body": "Cheap pills here"}, headers={"Accept": "application/json"})
    assert Comment.objects.get(pk=comment_id).status == Comment.Status.SPAM


def test_the_checker_is_reached_only_over_https():
    """The site's key and readers' addresses go there (found in review)."""
    from django.core.exceptions import ValidationError

    from masthead.comments.models import CommentSettings

    field = CommentSettings._meta.get_field("spam_checker_url")
    with pytest.raises(ValidationError):
        field.clean("http://checker.example", None)
    assert field.clean("https://checker.example", None) == "https://checker.example"
