"""The pages a mailed link opens: confirm (GET shows a button, POST confirms), the
preferences (lists, pause, unsubscribe), unsubscribe (a button, and RFC 8058's one-click
POST from a mail client with no cookie and no CSRF token). Tampered, expired and retired
links get a clear page with a way to a fresh link, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from masthead.newsletter import links, services
from masthead.newsletter.models import NewsletterSettings, Subscriber, SubscriberStatus
from masthead.newsletter.tests.factories import link_in, make_lists, make_subscriber, path
from masthead.newsletter.tests.mail import messages, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(site_tree):
    return make_lists(site_tree.site)


@pytest.fixture
def pending(site_tree, lists):
    return make_subscriber(
        site_tree.site, status=SubscriberStatus.PENDING, lists=[lists["morning"]], consent_text="As agreed then."
    )


@pytest.fixture
def confirmed(site_tree, lists):
    return make_subscriber(site_tree.site, "confirmed@example.org", lists=[lists["morning"], lists["week"]])


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def form_token(client, url) -> str:
    import html5lib

    page = html5lib.parse(client.get(url).content.decode(), namespaceHTMLElements=False)
    return page.find(".//input[@name='csrfmiddlewaretoken']").get("value")


# Confirmation ------------------------------------------------------------------------


def test_opening_the_confirmation_link_changes_nothing_until_the_button_is_pressed(pending):
    client = csrf_client()
    url = path(pending, "confirm")

    for _ in range(3):  # a mail scanner, a link preview, the reader
        response = client.get(url)
        assert response.status_code == 200
        assert b"Confirm my subscription" in response.content
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING

    response = client.post(url, {"csrfmiddlewaretoken": form_token(client, url)})

    assert response.status_code == 200
    assert b"You are subscribed" in response.content
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.CONFIRMED
    assert pending.confirmed_at is not None
    assert pending.consent_text == "As agreed then."  # kept as the reader saw it
    assert pending.receives_mail()


def test_the_full_double_opt_in_from_the_form_to_the_mail_to_the_button(
    client, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/newsletter/", {"email": "ada@example.org", "lists": ["week"]})
    subscriber = Subscriber.objects.get()
    assert not subscriber.receives_mail()
    (mail,) = messages(smtp_inbox)

    assert client.post(link_in(text_of(mail), "confirm")).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.receives_mail()
    assert len(messages(smtp_inbox)) == 1  # confirming sends nothing by itself


def test_confirming_twice_keeps_the_first_date(pending):
    client = Client()
    client.post(path(pending, "confirm"))
    pending.refresh_from_db()
    first = pending.confirmed_at

    assert client.post(path(pending, "confirm")).status_code == 200
    pending.refresh_from_db()
    assert pending.confirmed_at == first


def test_a_confirmation_post_without_the_csrf_token_is_refused(pending):
    assert csrf_client().post(path(pending, "confirm")).status_code == 403
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_an_expired_confirmation_link_says_so_and_offers_a_fresh_one(pending, monkeypatch):
    token = links.make_token(pending, "confirm")
    later = signing.time.time() + links.CONFIRM_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/newsletter/confirm/{token}/")
        assert response.status_code == 410
        assert b"This link has expired" in response.content
        assert b'href="/newsletter/"' in response.content
        assert response["Cache-Control"] == "private, no-store"
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_a_confirmation_link_from_before_an_unsubscribe_cannot_subscribe_again(pending):
    client = Client()
    confirm = path(pending, "confirm")
    Subscriber.objects.filter(pk=pending.pk).update(confirmation_sent_at=timezone.now())
    client.post(confirm)
    client.post(path(pending, "unsubscribe"))
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.UNSUBSCRIBED

    response = client.post(confirm)

    assert response.status_code == 410
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.UNSUBSCRIBED


def test_an_old_confirmation_link_stays_used_up_after_someone_signs_the_address_up_again(
    pending, lists, monkeypatch, django_capture_on_commit_callbacks
):
    """The guard compared the subscriber's latest confirmation mail with the unsubscribe:
    anyone typing the address into the signup box made a week-old link work again."""
    import time

    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() - 3600)
    old_confirm = path(pending, "confirm")  # mailed an hour ago
    monkeypatch.undo()
    client = Client()
    Subscriber.objects.filter(pk=pending.pk).update(confirmation_sent_at=timezone.now() - datetime.timedelta(hours=1))
    client.post(old_confirm)
    client.post(path(pending, "unsubscribe"))
    with django_capture_on_commit_callbacks(execute=True):  # the new confirmation mail goes out
        Client(REMOTE_ADDR="198.51.100.99").post("/newsletter/", {"email": pending.email, "lists": ["morning"]})
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.UNSUBSCRIBED and pending.confirmation_sent_at > pending.unsubscribed_at

    response = client.post(old_confirm)

    assert response.status_code == 410
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize("purpose", ["confirm", "preferences", "unsubscribe"])
def test_tampered_and_foreign_links_get_a_clear_page(pending, purpose):
    good = links.make_token(pending, purpose)
    other_purpose = links.make_token(pending, "preferences" if purpose != "preferences" else "confirm")
    for token in [good[:-3] + "xyz", other_purpose, "nonsense", "a" * 1200, signing.dumps({"s": 1}, salt="x")]:
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"/newsletter/{purpose}/{token}/")
            assert response.status_code == 400, (token, method)
            assert b"This link does not work" in response.content
            assert b"Sign up again" in response.content


@pytest.mark.parametrize("purpose", ["confirm", "preferences", "unsubscribe"])
def test_retired_links_get_a_clear_page(confirmed, pending, purpose):
    subscriber = pending if purpose == "confirm" else confirmed
    url = path(subscriber, purpose)
    Subscriber.objects.filter(pk=subscriber.pk).update(link_version=subscriber.link_version + 1)

    response = Client().get(url)

    assert response.status_code == 410
    assert b"no longer valid" in response.content
    subscriber.delete()
    assert Client().post(url).status_code == 410


# Preferences -------------------------------------------------------------------------


def test_preferences_change_the_lists_and_keep_private_ones(site_tree, confirmed, lists):
    hidden = lists["week"]
    hidden.public = False
    hidden.save()
    client = csrf_client()
    url = path(confirmed, "preferences")
    page = client.get(url)
    assert page["Cache-Control"] == "private, no-store"
    assert b"The Week in Review" not in page.content

    response = client.post(
        url, {"action": "lists", "lists": ["breaking"], "csrfmiddlewaretoken": form_token(client, url)}
    )

    assert response.status_code == 200
    assert b"Your newsletters are saved." in response.content
    assert set(confirmed.lists.values_list("slug", flat=True)) == {"breaking", "week"}


def test_preferences_without_the_csrf_token_change_nothing(confirmed):
    response = csrf_client().post(path(confirmed, "preferences"), {"action": "unsubscribe"})

    assert response.status_code == 403
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED


@pytest.mark.parametrize(("period", "days"), [("week", 7), ("month", 30), ("indefinitely", None)])
def test_pausing_stops_mail_for_the_chosen_time_and_resuming_restarts_it(confirmed, period, days):
    client = Client()
    url = path(confirmed, "preferences")
    today = timezone.localdate()

    response = client.post(url, {"action": "pause", "pause": period})

    assert response.status_code == 200
    confirmed.refresh_from_db()
    expected = services.PAUSED_INDEFINITELY if days is None else today + datetime.timedelta(days=days)
    assert confirmed.paused_until == expected
    assert not confirmed.receives_mail(today)
    assert b"Resume now" in response.content
    if days:
        assert confirmed.receives_mail(today + datetime.timedelta(days=days + 1))

    client.post(url, {"action": "pause", "pause": "resume"})
    confirmed.refresh_from_db()
    assert confirmed.paused_until is None and confirmed.receives_mail()


def test_unsubscribing_from_the_preferences_page_and_coming_back(site_tree, confirmed):
    client = Client()
    url = path(confirmed, "preferences")

    response = client.post(url, {"action": "unsubscribe"})

    assert b"You are unsubscribed from every newsletter" in response.content
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.UNSUBSCRIBED and confirmed.unsubscribed_at
    assert b"Subscribe again" in response.content
    settings = NewsletterSettings.for_site(site_tree.site)

    client.post(url, {"action": "lists", "lists": ["week"]})

    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED and confirmed.unsubscribed_at is None
    assert confirmed.consent_text == settings.consent_text
    assert list(confirmed.lists.values_list("slug", flat=True)) == ["week"]


def test_ticking_no_list_unsubscribes(confirmed):
    Client().post(path(confirmed, "preferences"), {"action": "lists"})

    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "nonsense"},
        {"action": "pause", "pause": "forever and a day"},
        {"action": "lists", "lists": ["no-such-list"]},
        {"action": "lists", "lists": ["morning"] * 50},
    ],
)
def test_nonsense_on_the_preferences_page_is_a_clear_400(confirmed, data):
    response = Client().post(path(confirmed, "preferences"), data)

    assert response.status_code == 400
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED
    assert confirmed.lists.count() == 2


def test_a_pending_address_cannot_use_preferences_before_confirming(pending):
    response = Client().get(path(pending, "preferences"))

    assert b"not confirmed yet" in response.content
    assert b'name="lists"' not in response.content


# Unsubscribe -------------------------------------------------------------------------


def test_one_click_unsubscribe_works_without_cookie_or_csrf_token(confirmed):
    client = csrf_client()
    url = path(confirmed, "unsubscribe")

    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert not response.cookies
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.UNSUBSCRIBED
    assert not confirmed.receives_mail()
    again = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200  # a mail client that retries gets the same answer


def test_one_click_with_a_bad_token_is_refused_plainly(confirmed):
    token = links.make_token(confirmed, "unsubscribe")
    response = csrf_client().post(f"/newsletter/unsubscribe/{token[:-4]}AAAA/", {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(confirmed):
    client = csrf_client()
    url = path(confirmed, "unsubscribe")

    page = client.get(url)
    assert page.status_code == 200 and b"Stop every newsletter" in page.content
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.CONFIRMED

    assert client.post(url, {"anything": "else"}).status_code == 403  # the page's own form is CSRF-checked
    response = client.post(url, {"csrfmiddlewaretoken": form_token(client, url)})

    assert b"You are unsubscribed" in response.content
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.UNSUBSCRIBED


def test_link_pages_take_only_get_and_post(confirmed):
    for purpose in ("confirm", "preferences", "unsubscribe"):
        assert Client().put(path(confirmed, purpose)).status_code == 405
