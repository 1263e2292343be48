"""Signed links: each works for its own purpose and subscriber only, until retired."""

import pytest
from django.core import signing

from masthead.newsletter import links
from masthead.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(site_tree):
    return Subscriber.objects.create(site=site_tree.site, email="ada@example.org")


def test_a_token_names_its_subscriber(subscriber):
    holder = links.read_token(links.make_token(subscriber, "unsubscribe"), "unsubscribe")
    assert holder.matches(subscriber)


def test_a_token_for_one_purpose_does_not_work_for_another(subscriber):
    with pytest.raises(links.BadLink):
        links.read_token(links.make_token(subscriber, "preferences"), "unsubscribe")


@pytest.mark.parametrize("token", ["", "x" * 2000, "abc:def", signing.dumps({"s": "1", "e": 1, "v": 1})])
def test_tampered_or_foreign_tokens_are_refused(token):
    with pytest.raises(links.BadLink):
        links.read_token(token, "preferences")


def test_a_tampered_token_is_refused(subscriber):
    token = links.make_token(subscriber, "preferences")
    with pytest.raises(links.BadLink):
        links.read_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "preferences")


def test_a_confirmation_link_expires(subscriber, monkeypatch):
    token = links.make_token(subscriber, "confirm")
    later = signing.time.time() + links.CONFIRM_MAX_AGE + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(links.BadLink) as refused:
        links.read_token(token, "confirm")
    assert refused.value.expired


def test_raising_the_version_or_changing_the_address_retires_old_links(subscriber):
    holder = links.read_token(links.make_token(subscriber, "unsubscribe"), "unsubscribe")
    subscriber.link_version += 1
    assert not holder.matches(subscriber)
    subscriber.link_version -= 1
    subscriber.email = "someone@example.org"
    assert not holder.matches(subscriber)


def test_mail_links_are_absolute(subscriber, settings):
    settings.SITE_URL = "https://news.example"
    assert links.absolute_url(subscriber, "preferences").startswith("https://news.example/newsletter/preferences/")
