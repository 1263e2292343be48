"""Hostile input in every field of the newsletter's forms and links: the Big List of
Naughty Strings (the corpus the comment tests use), script payloads, control characters,
10 KB and 100 KB strings, invalid UTF-8, and addresses with %, _, quotes and unicode.
Never a 500, a clear message for what is refused, and nothing from the input becomes
markup (pages parsed with html5lib and compared with pages built from harmless input)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from masthead.comments.tests.hostile import HUGE, Baseline, assert_nothing_injected, hostile_strings
from masthead.newsletter import selectors, services, views
from masthead.newsletter.models import Subscriber, SubscriberStatus
from masthead.newsletter.tests.factories import make_lists, make_subscriber, path

pytestmark = pytest.mark.django_db

TEN_KB = ["x" * 10_240, "a" * 10_230 + "@example.org", "reader@" + "b" * 10_230 + ".org", "<b>" * 3_400]
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf"]


@pytest.fixture
def lists(site_tree):
    return make_lists(site_tree.site)


@pytest.fixture
def lenient(monkeypatch):
    """Limits wide enough for thousands of posts from one test client."""
    monkeypatch.setattr(views, "SIGNUPS_PER_IP", 10**6)
    monkeypatch.setattr(views, "SIGNUPS_PER_ADDRESS", 10**6)


def everything() -> list[str]:
    return [*hostile_strings(), *TEN_KB, *HUGE]


def test_every_signup_field_takes_every_hostile_string_without_a_500_or_markup(client, lists, lenient):
    baseline = Baseline(
        [
            client.post("/newsletter/", {"email": "x", "lists": ["morning"]}).content.decode(),
            client.post("/newsletter/", {"email": "ada@example.org", "lists": ["nope"]}).content.decode(),
            client.post("/newsletter/", {"email": "ada@example.org", "lists": ["morning"]}).content.decode(),
            client.get("/newsletter/").content.decode(),
        ]
    )
    for text in everything():
        for data in ({"email": text, "lists": ["morning"]}, {"email": "ada@example.org", "lists": [text, "week"]}):
            response = client.post("/newsletter/", data)
            assert response.status_code in (200, 400), (text[:80], response.status_code)
            assert_nothing_injected(response.content.decode(), baseline, context=repr(text[:60]))
        fragment = client.get("/newsletter/form/", {"placement": text, "email": text})  # ignored
        assert fragment.status_code == 200
    assert Subscriber.objects.filter(email__iexact="ada@example.org").count() == 1


@pytest.mark.parametrize("text", TEN_KB)
def test_ten_kilobyte_addresses_are_refused_with_a_clear_message(client, lists, lenient, text):
    response = client.post(
        "/newsletter/", {"email": text, "lists": ["morning"]}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "email"
    assert "too long" in response.json()["message"] or "valid email" in response.json()["message"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("percent%sign@example.org", "percent%sign@example.org"),
        ("under_score@example.org", "under_score@example.org"),
        ("o'brien@Example.ORG", "o'brien@example.org"),
        ('"quoted.name"@example.org', '"quoted.name"@example.org'),
        ("  Spaces.Around@Example.org  ", "Spaces.Around@example.org"),
        ("reader@BÜCHER.example", "reader@bücher.example"),
    ],
)
def test_unusual_but_valid_addresses_are_taken_as_typed_with_the_domain_lowercased(
    client, lists, lenient, typed, stored
):
    response = client.post("/newsletter/", {"email": typed, "lists": ["morning"]})

    assert response.status_code == 200
    assert Subscriber.objects.get().email == stored


@pytest.mark.parametrize(
    "typed",
    [
        "ü@example.org",
        "no at sign",
        "two@@example.org",
        "trailing.dot.@example.org",
        "a@b",
        "line\nbreak@example.org",
        "nul\x00@example.org",
    ],
)
def test_invalid_addresses_are_refused_with_a_clear_message(client, lists, lenient, typed):
    response = client.post("/newsletter/", {"email": typed, "lists": ["morning"]})

    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content
    assert not Subscriber.objects.exists()


def test_percent_and_underscore_are_never_wildcards(site_tree, lists, lenient, client):
    """`a_b@…` must not find `axb@…`, nor `%@…` every address: lookups escape them."""
    make_subscriber(site_tree.site, "axb@example.org")
    make_subscriber(site_tree.site, "anything@example.org", status=SubscriberStatus.UNSUBSCRIBED)

    assert selectors.subscriber_by_email(site_tree.site, "a_b@example.org") is None
    assert selectors.subscriber_by_email(site_tree.site, "%@example.org") is None
    client.post("/newsletter/", {"email": "a_b@example.org", "lists": ["morning"]})
    client.post("/newsletter/", {"email": "%@example.org", "lists": ["morning"]})

    assert Subscriber.objects.get(email="axb@example.org").status == SubscriberStatus.CONFIRMED
    assert Subscriber.objects.get(email="anything@example.org").status == SubscriberStatus.UNSUBSCRIBED
    assert Subscriber.objects.filter(email__in=["a_b@example.org", "%@example.org"]).count() == 2


def test_invalid_utf8_in_a_posted_form_is_no_500(client, lists, lenient):
    for raw in INVALID_UTF8:
        body = b"email=" + raw + b"%40example.org&lists=morning&lists=" + raw
        response = client.post("/newsletter/", body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 400), raw


def test_hostile_strings_in_every_field_of_the_link_pages_are_no_500(client, site_tree, lists):
    subscriber = make_subscriber(site_tree.site, lists=[lists["morning"]])
    preferences, unsubscribe = path(subscriber, "preferences"), path(subscriber, "unsubscribe")
    mail_client = Client(enforce_csrf_checks=True)  # as a mail provider's server: no cookie, no token
    for text in [*hostile_strings()[::3], *TEN_KB]:
        for data in ({"action": text}, {"action": "pause", "pause": text}, {"action": "lists", "lists": [text]}):
            response = client.post(preferences, data)
            assert response.status_code in (200, 400), (text[:60], data)
        # Anything but RFC 8058's exact body is the page's own form, which needs its token.
        assert mail_client.post(unsubscribe, {"List-Unsubscribe": text}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert list(subscriber.lists.values_list("slug", flat=True)) == ["morning"]


def test_hostile_tokens_in_the_address_are_a_clear_400(client, site_tree):
    for text in [*hostile_strings()[::2], *TEN_KB[:1]]:
        token = quote(text, safe="")
        if not token or "/" in text:
            continue
        for purpose in ("confirm", "preferences", "unsubscribe"):
            response = client.get(f"/newsletter/{purpose}/{token}/")
            assert response.status_code in (400, 404), (purpose, text[:60], response.status_code)
            one_click = client.post(f"/newsletter/{purpose}/{token}/", {"List-Unsubscribe": "One-Click"})
            assert one_click.status_code in (400, 403, 404), (purpose, text[:60], one_click.status_code)


def test_the_service_refuses_what_the_view_would(site_tree, lists):
    for raw in (None, 42, ["a@example.org"], "", " "):
        with pytest.raises(services.SignupRefused):
            services.clean_email(raw)
    with pytest.raises(services.SignupRefused):
        services.chosen_lists(site_tree.site, ["morning"] * 10)
