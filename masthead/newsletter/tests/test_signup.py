"""Signup with double opt-in, through the real views and a real SMTP server: one neutral
answer for every address, a confirmation mail only to new or unconfirmed addresses,
nothing else before confirmation, rate limits with a clear 429."""

from __future__ import annotations

import html5lib
import pytest
from django.test import Client

from masthead.comments.tests.hostile import GROWING_EMAIL
from masthead.newsletter import confirmation, views
from masthead.newsletter.models import NewsletterSettings, Subscriber, SubscriberStatus
from masthead.newsletter.tests.factories import link_in, make_lists, make_subscriber
from masthead.newsletter.tests.mail import messages, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(site_tree):
    return make_lists(site_tree.site)


def sign_up(client, capture, email="reader@example.org", lists=("morning", "breaking"), **headers):
    with capture(execute=True):
        return client.post("/newsletter/", {"email": email, "lists": list(lists)}, **headers)


def test_the_signup_page_offers_every_public_list_ticked_and_the_consent_text(client, site_tree, lists):
    lists["breaking"].public = False
    lists["breaking"].save()
    settings = NewsletterSettings.for_site(site_tree.site)
    settings.consent_text = "We mail only what you choose."
    settings.save()

    response = client.get("/newsletter/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    boxes = {box.get("value"): box.get("checked") is not None for box in page.iterfind(".//input[@name='lists']")}
    assert boxes == {"morning": True, "week": True}
    assert page.find(".//input[@name='csrfmiddlewaretoken']") is not None
    assert b"We mail only what you choose." in response.content


def test_a_new_address_gets_one_confirmation_mail_and_nothing_else(
    client, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, "Reader@Example.ORG")

    assert response.status_code == 200
    assert views.NEUTRAL_ANSWER.encode() in response.content
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@example.org"  # the domain lower-cased, the local part as typed
    assert subscriber.status == SubscriberStatus.PENDING
    assert {s.newsletter_list.slug for s in subscriber.subscriptions.select_related("newsletter_list")} == {
        "morning",
        "breaking",
    }
    assert subscriber.consent_text == NewsletterSettings.objects.get().consent_text
    (mail,) = messages(smtp_inbox)
    assert mail["To"] == "Reader@example.org"
    assert "Confirm" in mail["Subject"]
    assert "List-Unsubscribe" not in mail
    body = text_of(mail)
    assert "The Morning Briefing" in body and "Breaking news" in body
    assert link_in(body, "confirm").startswith("/newsletter/confirm/")
    assert "/newsletter/preferences/" not in body  # nothing that works before confirmation


@pytest.mark.parametrize(
    "status",
    [
        None,
        SubscriberStatus.PENDING,
        SubscriberStatus.CONFIRMED,
        SubscriberStatus.UNSUBSCRIBED,
        SubscriberStatus.BOUNCED,
    ],
)
def test_the_answer_is_the_same_whatever_the_address_state(
    client, site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks, status
):
    if status:
        make_subscriber(site_tree.site, "reader@example.org", status=status, lists=[lists["week"]])
    baseline = sign_up(Client(), django_capture_on_commit_callbacks, "someone-new@example.org")

    response = sign_up(client, django_capture_on_commit_callbacks, "READER@example.org")

    assert response.status_code == baseline.status_code == 200
    assert response.content.replace(b"READER", b"x") == baseline.content.replace(b"READER", b"x")
    json_answer = sign_up(
        Client(), django_capture_on_commit_callbacks, "reader@example.org", HTTP_ACCEPT="application/json"
    )
    assert json_answer.json() == {"ok": True, "message": views.NEUTRAL_ANSWER}
    assert Subscriber.objects.filter(email__iexact="reader@example.org").count() == 1


def test_a_confirmed_address_is_told_once_a_day_with_its_preferences_link_and_keeps_its_lists(
    client, site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber(site_tree.site, "reader@example.org", lists=[lists["week"]])

    sign_up(client, django_capture_on_commit_callbacks, lists=("morning",))
    sign_up(client, django_capture_on_commit_callbacks, lists=("morning",))

    (mail,) = messages(smtp_inbox)
    assert "already subscribed" in mail["Subject"]
    assert link_in(text_of(mail), "preferences")
    assert "/newsletter/confirm/" not in text_of(mail)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert list(subscriber.lists.values_list("slug", flat=True)) == ["week"]  # a stranger changes nothing


def test_an_unsubscribed_address_gets_a_confirmation_and_stays_unsubscribed_until_it_confirms(
    client, site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber(site_tree.site, status=SubscriberStatus.UNSUBSCRIBED, lists=[lists["week"]])

    sign_up(client, django_capture_on_commit_callbacks, lists=("breaking",))

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert not subscriber.receives_mail()
    (mail,) = messages(smtp_inbox)
    confirm = link_in(text_of(mail), "confirm")
    assert client.post(confirm).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert list(subscriber.lists.values_list("slug", flat=True)) == ["breaking"]


def test_asking_twice_quickly_sends_one_confirmation_mail(
    client, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    for _ in range(3):
        assert sign_up(client, django_capture_on_commit_callbacks).status_code == 200

    assert len(messages(smtp_inbox)) == 1


def test_an_address_gets_at_most_a_few_confirmation_mails_a_day(site_tree, lists, smtp_inbox):
    """However the requests are spaced, the mails to one address stop at the day's share."""
    from django.utils import timezone

    subscriber = make_subscriber(site_tree.site, status=SubscriberStatus.PENDING)
    start = timezone.now()
    sent = [
        confirmation.confirmation_send(subscriber_id=subscriber.pk, now=start + n * confirmation.RESEND_AFTER * 2)
        for n in range(confirmation.MAILS_PER_DAY + 3)
    ]
    assert sent == [True] * confirmation.MAILS_PER_DAY + [False] * 3
    assert len(messages(smtp_inbox)) == confirmation.MAILS_PER_DAY


def test_one_address_asked_for_too_often_gets_a_clear_429(
    client, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    answers = [
        sign_up(Client(REMOTE_ADDR=f"203.0.113.{n}"), django_capture_on_commit_callbacks).status_code
        for n in range(views.SIGNUPS_PER_ADDRESS + 2)
    ]

    assert answers == [200] * views.SIGNUPS_PER_ADDRESS + [429, 429]
    refused = sign_up(Client(), django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert b"entered several times in the last hour" in refused.content
    assert int(refused["Retry-After"]) > 0
    assert len(messages(smtp_inbox)) == 1


def test_one_network_signing_up_many_addresses_gets_a_clear_429(
    client, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    answers = [
        sign_up(client, django_capture_on_commit_callbacks, f"reader{n}@example.org").status_code
        for n in range(views.SIGNUPS_PER_IP + 1)
    ]

    assert answers == [200] * views.SIGNUPS_PER_IP + [429]
    refused = sign_up(
        client, django_capture_on_commit_callbacks, "one-more@example.org", HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many signups from your network")
    assert len(messages(smtp_inbox)) == views.SIGNUPS_PER_IP
    assert (
        Client(REMOTE_ADDR="198.51.100.7")
        .post("/newsletter/", {"email": "elsewhere@example.org", "lists": ["morning"]})
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "lists": ["morning"]}, b"Enter your email address."),
        ({"email": "not-an-address", "lists": ["morning"]}, b"Enter a valid email address"),
        ({"email": "reader@example.org"}, b"Choose at least one newsletter."),
        ({"email": "reader@example.org", "lists": ["no-such-list"]}, b"Choose among the newsletters listed."),
        ({"email": "a" * 250 + "@example.org", "lists": ["morning"]}, b"That address is too long"),
        # 167 characters as typed, 257 once its domain is in lower case ("İ" is two letters
        # then): it was stored past the column's 254, a 500 on PostgreSQL.
        ({"email": GROWING_EMAIL, "lists": ["morning"]}, b"That address is too long"),
    ],
)
def test_refused_input_gets_a_clear_message_and_the_form_again(client, lists, data, message):
    response = client.post("/newsletter/", data)

    assert response.status_code == 400
    assert message in response.content
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert not Subscriber.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(site_tree, lists):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/newsletter/", {"email": "reader@example.org", "lists": ["morning"]})

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_the_token_from_the_form_fragment_lets_the_post_through(
    site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    fragment = client.get("/newsletter/form/")
    assert fragment["Cache-Control"] == "private, no-store"
    page = html5lib.parse(fragment.content.decode(), namespaceHTMLElements=False)
    token = page.find(".//input[@name='csrfmiddlewaretoken']").get("value")
    assert page.find(".//input[@type='email']") is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletter/", {"email": "reader@example.org", "lists": ["week"], "csrfmiddlewaretoken": token}
        )

    assert response.status_code == 200
    assert len(messages(smtp_inbox)) == 1


def test_signups_closed_in_the_settings_are_refused(client, site_tree, lists):
    settings = NewsletterSettings.for_site(site_tree.site)
    settings.signup_enabled = False
    settings.save()

    assert client.post("/newsletter/", {"email": "reader@example.org", "lists": ["morning"]}).status_code == 503
    assert b"Signups are closed" in client.get("/newsletter/").content
    assert not Subscriber.objects.exists()
