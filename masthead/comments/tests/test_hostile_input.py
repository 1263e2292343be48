"""Hostile input: every field of the comment form and every query parameter of the
readers' endpoints, with each string of a real corpus (the Big List of Naughty Strings)
plus script payloads, control characters, direction overrides, 100 KB bodies and
invalid UTF-8. Never a 500, and nothing from the input becomes markup: the HTML is
parsed with html5lib and checked against pages built from harmless input."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest

from masthead.comments import services
from masthead.comments.forms import CommentForm
from masthead.comments.models import Comment
from masthead.comments.tests.factories import open_settings, post_comment
from masthead.comments.tests.hostile import (
    GROWING_EMAIL,
    HUGE,
    XSS,
    Baseline,
    assert_nothing_injected,
    hostile_strings,
    naughty_strings,
)
from masthead.comments.tokens import form_issued_token
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

FIELDS = ["name", "email", "url", "body", "parent", "notify", "issued"]
INVALID_UTF8 = [
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xf0\x28\x8c\x28",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
]


@pytest.fixture
def articles(site_tree):
    news = site_tree.sections["news"]
    return make_article(news, title="Harbour dredging starts"), make_article(news, title="Quiet harbour")


@pytest.fixture
def aged_form(monkeypatch):
    token = form_issued_token()
    real = time.time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    return token


@pytest.fixture
def lenient():
    """Limits wide enough for thousands of posts from one test, links never held."""
    return open_settings(
        posts_per_minute_per_ip=30_000, posts_per_hour_per_email=30_000, max_links=1000, max_length=20_000
    )


def harmless_thread(article, settings) -> None:
    """Enough harmless comments for every part of the thread page: paging, replies,
    a reader's website, a link in a comment."""
    first = post_comment(
        article, name="Ada Reader", url="https://ada.example.org/", body="See https://example.org/report.\n\nAgreed."
    )
    post_comment(article, parent=first, body="A reply\nover two lines.")
    for number in range(22):
        post_comment(article, body=f"Harmless comment {number}.", settings=settings)


def pages_of_thread(client, article) -> list[str]:
    """The thread page and every "load more" page after it."""
    pages, url = [], f"/comments/{article.pk}/"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        pages.append(text)
        more = re.search(r'data-more="([^"]+)"', text)
        url = more.group(1).replace("&amp;", "&") if more else ""
    return pages


def form_baselines(client, article, aged_form) -> list[str]:
    """Pages a reader sees after posting harmless input: refusals with every field's
    error, a reply to a comment, the landing page after a post."""
    parent = Comment.objects.filter(page=article).first()
    common = {"name": "Ada", "email": "ada@example.org", "body": "Harmless.", "issued": aged_form}
    pages = [
        client.post(f"/comments/{article.pk}/post/", {"issued": aged_form, "url": "ftp://x", "email": "x"}),
        client.post(f"/comments/{article.pk}/post/", {**common, "parent": parent.pk, "url": "nope"}),
        client.post(f"/comments/{article.pk}/post/", {**common, "issued": "forged"}),
        client.post(f"/comments/{article.pk}/post/", {**common, "parent": "x", "notify": "x"}),
        client.get(f"/comments/{article.pk}/reply/?to={parent.pk}"),
    ]
    sent = client.post(f"/comments/{article.pk}/post/", {**common, "url": "https://ada.example.org/"})
    pages.append(client.get(sent["Location"]))
    json_reply = client.post(
        f"/comments/{article.pk}/post/",
        {**common, "body": "See https://example.org/."},
        headers={"Accept": "application/json"},
    )
    return [page.content.decode() for page in pages] + [json_reply.json()["html"]]


def test_the_corpus_as_approved_comments_renders_as_text(client, articles, lenient):
    """Every string as a comment's body and name (and as its website where the form
    would take it), all approved, then the whole thread read once."""
    article, quiet = articles
    harmless_thread(quiet, lenient)
    baselines = Baseline([*pages_of_thread(client, quiet), client.get(quiet.url).content.decode()])
    url_field = CommentForm().fields["url"]
    taken = 0
    for number, text in enumerate([*hostile_strings(), *HUGE]):
        try:
            url = url_field.clean(text)
        except Exception:  # the form refuses it, so no comment ever carries it
            url = ""
        if url and not url.lower().startswith(("http://", "https://")):
            url = ""
        try:
            services.comment_create(
                page=article,
                author=services.Author(name=text or "Empty", email=f"r{number}@example.org", url=url),
                body=text[:20_000],
                settings=lenient,
            )
        except services.CommentRefused:
            continue  # nothing left after cleaning (blank, only control characters)
        taken += 1
    assert taken > len(naughty_strings()) * 0.9

    pages = pages_of_thread(client, article)
    assert sum(page.count('class="comment"') for page in pages) == taken
    for number, page in enumerate(pages):
        assert_nothing_injected(page, baselines, context=f"thread page {number}")
    assert_nothing_injected(client.get(article.url).content.decode(), baselines, context="article")
    for comment in Comment.objects.filter(page=article):
        assert "\u202e" not in comment.author_name + comment.body and "\x00" not in comment.body


def test_every_field_takes_every_hostile_string_without_a_500_or_markup(client, articles, lenient, aged_form):
    """Every string twice, each time in the next field in turn (so every field meets a
    seventh of the corpus twice over): once answered as JSON, a script's post, whose
    HTML is checked; once as a plain form post, whose refusal page shows the input back."""
    article, _ = articles
    parent = post_comment(article, settings=lenient)
    baselines = Baseline(form_baselines(client, article, aged_form))
    valid = {"name": "Ada", "email": "ada@example.org", "body": "Harmless.", "issued": aged_form}
    statuses = set()

    def send(number, field, text, *, as_json):
        data = {**valid, "email": f"a{number}@example.org", field: text}
        if field != "parent" and number % 3 == 0:
            data["parent"] = parent.pk
        response = client.post(
            f"/comments/{article.pk}/post/",
            data,
            headers={"Accept": "application/json"} if as_json else {},
            REMOTE_ADDR=f"10.{number % 250}.0.1",
        )
        statuses.add(response.status_code)
        assert response.status_code in (201, 302, 400), (field, text, response.status_code)
        return response

    for number, text in enumerate(hostile_strings()):
        field = FIELDS[number % len(FIELDS)]
        payload = send(number, field, text, as_json=True).json()
        if payload.get("html"):
            assert_nothing_injected(payload["html"], baselines, context=f"{field}={text!r}")
        field = FIELDS[(number + 3) % len(FIELDS)]
        response = send(number, field, text, as_json=False)
        if response.status_code == 400:
            assert_nothing_injected(response.content.decode(), baselines, context=f"{field}={text!r} (page)")
    assert statuses == {201, 302, 400}


@pytest.mark.parametrize("field", ["name", "email", "url", "body"])
def test_a_100_kb_field_is_refused_with_a_clear_message(client, articles, lenient, aged_form, field):
    article, _ = articles
    data = {"name": "Ada", "email": "ada@example.org", "body": "Harmless.", "issued": aged_form}
    for huge in HUGE:
        response = client.post(
            f"/comments/{article.pk}/post/", {**data, field: huge}, headers={"Accept": "application/json"}
        )
        assert response.status_code == 400
        messages = " ".join(error["message"] for error in response.json()["errors"][field])
        assert "at most" in messages
    assert not Comment.objects.exists()


def test_an_address_too_long_once_in_lower_case_is_a_form_error_not_a_500(client, articles, aged_form):
    """Addresses are kept in lower case, and lower case can be longer: the length is
    checked after, and the reader is told which field to correct (found in review)."""
    article, _ = articles
    assert len(GROWING_EMAIL) <= 254 < len(GROWING_EMAIL.lower())
    data = {"name": "Ada", "email": GROWING_EMAIL, "body": "Harmless.", "issued": aged_form}
    with_script = client.post(f"/comments/{article.pk}/post/", data, headers={"Accept": "application/json"})
    without_script = client.post(f"/comments/{article.pk}/post/", data)
    assert with_script.status_code == without_script.status_code == 400
    (error,) = with_script.json()["errors"]["email"]
    assert "at most 254 characters" in error["message"]
    assert "at most 254 characters" in without_script.content.decode()
    assert not Comment.objects.exists()


def test_a_guests_address_is_kept_in_lower_case(client, articles, aged_form):
    article, _ = articles
    open_settings()
    data = {"name": "Ada", "email": " Ada@Example.ORG ", "body": "Harmless.", "issued": aged_form}
    assert client.post(f"/comments/{article.pk}/post/", data).status_code == 302
    assert Comment.objects.get().author_email == "ada@example.org"


def test_a_body_longer_than_the_site_allows_says_how_long_it_may_be(client, articles, aged_form):
    article, _ = articles
    open_settings(max_length=5000)
    response = client.post(
        f"/comments/{article.pk}/post/",
        {"name": "Ada", "email": "ada@example.org", "body": "x" * 6000, "issued": aged_form},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "at most 5,000 characters" in response.json()["message"]


def test_invalid_utf8_in_a_posted_form_is_no_500(client, articles, lenient, aged_form):
    article, _ = articles
    token = aged_form.encode()
    for raw in INVALID_UTF8:
        escaped = quote(raw).encode()
        bodies = [
            b"name=" + raw + b"&email=ada%40example.org&body=" + raw + b"&issued=" + token,
            b"name=Ada&email=" + escaped + b"&url=https%3A%2F%2F" + escaped + b"&body=" + escaped + b"&issued=" + token,
            b"name=Ada&email=ada%40example.org&body=ok&parent=" + escaped + b"&notify=" + raw + b"&issued=" + escaped,
            raw + b"=" + raw + b"&&&=&" + escaped,
        ]
        for body in bodies:
            for accept in ("application/json", "text/html"):
                response = client.post(
                    f"/comments/{article.pk}/post/",
                    body,
                    content_type="application/x-www-form-urlencoded",
                    headers={"Accept": accept},
                )
                assert response.status_code in (201, 302, 400), (body, response.status_code)
        multipart = (
            b'--B\r\nContent-Disposition: form-data; name="body"\r\n\r\n' + raw + b"\r\n"
            b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\n' + raw + b"\r\n--B--\r\n"
        )
        response = client.post(
            f"/comments/{article.pk}/post/", multipart, content_type="multipart/form-data; boundary=B"
        )
        assert response.status_code == 400


def get_endpoints(article, comment) -> list[tuple[str, list[str]]]:
    return [
        (f"/comments/{article.pk}/", ["sort", "after", "replies"]),
        (f"/comments/{article.pk}/more/", ["sort", "after"]),
        (f"/comments/{article.pk}/reply/", ["to", "sent"]),
        (f"/comments/{article.pk}/form/", ["to"]),
        (f"/comments/{article.pk}/me/", ["ids"]),
        ("/comments/counts/", ["pages"]),
        ("/comments/likes/", ["ids"]),
        (f"/comments/c/{comment.pk}/edit/", ["x"]),
    ]


def test_get_endpoints_take_hostile_query_strings_without_a_500(client, articles, lenient):
    """Each string in turn in one parameter of one endpoint (the corpus goes round them
    all), then invalid UTF-8, raw and percent-encoded, in every parameter."""
    article, _ = articles
    comment = post_comment(article, settings=lenient)
    endpoints = [(path, name) for path, names in get_endpoints(article, comment) for name in names]
    baselines = Baseline(
        [
            *pages_of_thread(client, article),
            client.get(f"/comments/{article.pk}/reply/?to=1").content.decode(),
            # The form fragment heads itself with the article's next level (h3), not h2.
            client.get(f"/comments/{article.pk}/form/").content.decode(),
        ]
    )
    for number, text in enumerate(hostile_strings()):
        path, name = endpoints[number % len(endpoints)]
        response = client.get(path, {name: text, "sort": "liked"} if name != "sort" else {name: text})
        assert response.status_code in (200, 400, 404), (path, name, text, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_nothing_injected(response.content.decode(), baselines, context=f"{path}?{name}={text!r}")
    for raw in INVALID_UTF8:
        for path, name in endpoints:
            for query in (f"{name}={quote(raw)}&{name}=1", f"{name}=" + raw.decode("latin-1")):
                response = client.get(path, QUERY_STRING=query)
                assert response.status_code in (200, 400, 404), (path, query, response.status_code)
    assert client.get("/comments/%ff%fe/").status_code == 404
    assert client.get(f"/comments/{article.pk}/" + "%ff/more/").status_code == 404


def test_digits_other_than_ascii_are_not_taken_for_numbers(client, articles, lenient, aged_form):
    """str.isdigit() says yes to "²" and "₀" but int() refuses them: no 500 for either."""
    article, _ = articles
    comment = post_comment(article, settings=lenient)
    for digits in ("²³", "₀₁₂", "¹", "①"):
        assert client.get(f"/comments/{article.pk}/", {"replies": digits}).status_code == 200
        assert client.get(f"/comments/{article.pk}/more/", {"after": f"{digits}-{digits}"}).status_code == 400
        assert client.get(f"/comments/{article.pk}/reply/", {"to": digits, "sent": digits}).status_code == 200
        assert client.get(f"/comments/{article.pk}/form/", {"to": digits}).status_code == 200
        assert client.get("/comments/counts/", {"pages": f"{digits},{article.pk}"}).json() == {str(article.pk): 1}
        assert client.get("/comments/likes/", {"ids": f"{digits},{comment.pk}"}).status_code == 200
        posted = client.post(
            f"/comments/{article.pk}/post/",
            {"name": "Ada", "email": "ada@example.org", "body": "Hi.", "issued": aged_form, "parent": digits},
        )
        assert posted.status_code == 400 and "reload the page and send it again" in posted.content.decode()
    assert client.get(f"/comments/{article.pk}/more/", {"after": "9" * 5000 + "-1"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "javascript:window.__xss=1",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example/",
        "https://x/" + "a" * 300,
    ],
)
def test_the_service_keeps_only_web_addresses_as_a_website(articles, lenient, url):
    """Whatever calls the service (an import, the admin), a website is a web address
    that fits its column, or none."""
    article, _ = articles
    comment = post_comment(article, url=url, settings=lenient)
    assert comment.author_url == ""


def test_a_name_with_a_direction_override_cannot_reverse_what_readers_see(articles, lenient):
    article, _ = articles
    comment = post_comment(article, name="Ada\u202e gnp.exe", body="Look: \u202etxt.exe\u202c done", settings=lenient)
    assert comment.author_name == "Ada gnp.exe" and comment.body == "Look: txt.exe done"


def test_the_xss_payloads_are_shown_as_written(client, articles, lenient):
    """Escaped, not dropped: a reader quoting markup sees the markup as text."""
    article, _ = articles
    for payload in XSS[:3]:
        post_comment(article, body=payload, settings=lenient)
    text = client.get(f"/comments/{article.pk}/").content.decode()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in text
