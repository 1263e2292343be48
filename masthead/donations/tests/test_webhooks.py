"""PayPal's notifications: verified with PayPal against the raw body, applied once
however often or in whatever order they come."""

import json
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from masthead.donations import services, views
from masthead.donations.models import Donation, DonationState, WebhookEvent
from masthead.donations.tests.factories import approved_donation, post_webhook, signed_delivery, start_donation

pytestmark = pytest.mark.django_db


def _captured(site, sandbox):
    donation = approved_donation(site)
    services.donation_capture(order_id=donation.provider_order_id)
    return Donation.objects.get(pk=donation.pk)


def test_the_same_event_25_times_completes_once_with_one_receipt(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site)
    # Captured at PayPal but never recorded here: the webhook is the only news of it.
    paypal_sandbox_capture = paypal_sandbox.app._capture(donation.provider_order_id)
    assert paypal_sandbox_capture[0] == 201
    body, headers = signed_delivery(paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id))
    client = Client()
    answers = []
    for _ in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(post_webhook(client, body, headers))
    assert {answer.status_code for answer in answers} == {200}
    assert answers[0].content == b"now completed"
    assert {answer.content for answer in answers[1:]} == {b"duplicate"}
    donation.refresh_from_db()
    assert donation.state == DonationState.COMPLETED and donation.capture_id
    assert WebhookEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_completed_after_refunded_does_not_resurrect(site_tree, paypal_sandbox, django_capture_on_commit_callbacks):
    donation = _captured(site_tree.site, paypal_sandbox)
    completed = paypal_sandbox.capture_event(donation.provider_order_id)
    paypal_sandbox.app._refund(donation.capture_id)
    refunded = paypal_sandbox.capture_event(donation.provider_order_id, "PAYMENT.CAPTURE.REFUNDED")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, *signed_delivery(paypal_sandbox, refunded)).content == b"now refunded"
        late = post_webhook(client, *signed_delivery(paypal_sandbox, completed))
    assert late.status_code == 200 and late.content.startswith(b"ignored")
    donation.refresh_from_db()
    assert donation.state == DonationState.REFUNDED and donation.refunded_at
    assert WebhookEvent.objects.count() == 2


def test_pending_then_completed_in_either_order_ends_completed_once(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site, button="Pay — payment pending")
    services.donation_capture(order_id=donation.provider_order_id)
    pending = paypal_sandbox.capture_event(donation.provider_order_id, "PAYMENT.CAPTURE.PENDING")
    completed = paypal_sandbox.capture_event(donation.provider_order_id, "PAYMENT.CAPTURE.COMPLETED")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, *signed_delivery(paypal_sandbox, completed))
        post_webhook(client, *signed_delivery(paypal_sandbox, pending))  # late: changes nothing
        post_webhook(client, *signed_delivery(paypal_sandbox, completed))
    assert Donation.objects.get().state == DonationState.COMPLETED
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("forgery", ["signature", "body", "webhook_id", "no_headers"])
def test_a_forged_notification_changes_nothing(site_tree, paypal_sandbox, forgery):
    donation = approved_donation(site_tree.site)
    paypal_sandbox.app._capture(donation.provider_order_id)
    event = paypal_sandbox.capture_event(donation.provider_order_id)
    body, headers = signed_delivery(paypal_sandbox, event)
    if forgery == "signature":
        headers["PAYPAL-TRANSMISSION-SIG"] = "Zm9yZ2Vk" + headers["PAYPAL-TRANSMISSION-SIG"][8:]
    elif forgery == "body":
        body = body.replace(b'"value": "25.00"', b'"value": "2500.00"')
    elif forgery == "webhook_id":
        headers = paypal_sandbox.sign(body, webhook_id="WH-SOMEONE-ELSE")
    else:
        headers = {}
    answer = post_webhook(Client(), body, headers)
    assert answer.status_code == 400
    assert Donation.objects.get().state == DonationState.CREATED
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[]", b'{"id": null}', b"\xff\xfe", json.dumps({"a": "b" * 10_000}).encode()]
)
def test_garbage_never_answers_500(site_tree, paypal_sandbox, body):
    answer = post_webhook(Client(), body, paypal_sandbox.sign(body))
    assert answer.status_code in (200, 400)
    assert not Donation.objects.exists()


def test_a_get_is_not_a_notification(site_tree, paypal_sandbox):
    assert Client().get("/donations/paypal/webhook/").status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_deliveries_at_once_complete_once_with_one_receipt(site_tree, paypal_sandbox, settings):
    """Threads, each with its own database connection: on PostgreSQL the unique event id
    and the row lock are what keep this to one completion."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks whole tables across threads: the PostgreSQL pass runs this")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    donation = start_donation(site_tree.site)
    from masthead.paypal_sandbox.tests.browsing import approve

    approve(donation.approve_url, "Pay")
    paypal_sandbox.app._capture(donation.provider_order_id)
    body, headers = signed_delivery(paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id))
    barrier = threading.Barrier(10)
    answers = []

    def deliver():
        try:
            barrier.wait()
            answers.append(post_webhook(Client(), body, headers).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 10
    assert Donation.objects.get().state == DonationState.COMPLETED
    assert WebhookEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_address_that_keeps_sending_forgeries_is_refused_without_asking_paypal(site_tree, paypal_sandbox):
    donation = approved_donation(site_tree.site)
    paypal_sandbox.app._capture(donation.provider_order_id)
    body, headers = signed_delivery(paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id))
    forged = {**headers, "PAYPAL-TRANSMISSION-SIG": "Zm9yZ2Vk" + headers["PAYPAL-TRANSMISSION-SIG"][8:]}
    attacker, paypal = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")

    refusals = [post_webhook(attacker, body, forged).status_code for _ in range(views.REFUSED_WEBHOOKS_PER_IP)]
    asked = paypal_sandbox.app.verifications
    held_back = post_webhook(attacker, body, headers)  # even a genuine one, from there, for now

    assert set(refusals) == {400}
    assert held_back.status_code == 429 and int(held_back["Retry-After"]) > 0
    assert paypal_sandbox.app.verifications == asked, "PayPal was not asked about the held-back one"
    assert post_webhook(paypal, body, headers).content == b"now completed"


def test_a_return_that_read_the_donation_before_the_webhook_completed_it_shows_it_completed(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks, monkeypatch
):
    """PayPal's webhook may land while the reader's return is on its way: the return read
    the donation as created, the webhook then completed it. The return must show it
    completed (not fail on the move back to approved) and no second receipt goes."""
    donation = approved_donation(site_tree.site)
    read_by_the_return = Donation.objects.get(pk=donation.pk)
    paypal_sandbox.app._capture(donation.provider_order_id)
    body, headers = signed_delivery(paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(Client(), body, headers).content == b"now completed"
    monkeypatch.setattr(services, "donation_for_order", lambda order_id: read_by_the_return)

    with django_capture_on_commit_callbacks(execute=True):
        shown = services.donation_capture(order_id=donation.provider_order_id)

    assert shown.state == DonationState.COMPLETED
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("event_type", "resource_type"),
    [
        ("CHECKOUT.ORDER.APPROVED", "checkout-order"),
        ("PAYMENT.CAPTURE.REVERSED", "refund"),
        ("PAYMENT.CAPTURE.DECLINED", "capture"),
    ],
)
def test_verified_events_not_acted_on_are_answered_2xx_and_never_count_as_refusals(
    site_tree, paypal_sandbox, event_type, resource_type
):
    """PayPal stops on 2xx and retries anything else: a genuine event we do not act on
    is answered 200, and its sender (PayPal) is never held back for sending it."""
    paypal = Client(REMOTE_ADDR="198.51.100.7")
    answers = []
    for number in range(views.REFUSED_WEBHOOKS_PER_IP + 1):
        event = paypal_sandbox.make_event(event_type, {"id": f"RES{number}"}, resource_type=resource_type)
        answers.append(post_webhook(paypal, *signed_delivery(paypal_sandbox, event)))
    donation = approved_donation(site_tree.site)
    paypal_sandbox.app._capture(donation.provider_order_id)
    body, headers = signed_delivery(paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id))

    genuine = post_webhook(paypal, body, headers)

    assert {answer.status_code for answer in answers} == {200}
    assert {answer.content for answer in answers} == {f"not acted on: {event_type}".encode()}
    assert genuine.status_code == 200 and genuine.content == b"now completed"
    assert Donation.objects.get().state == DonationState.COMPLETED


def test_a_refund_that_arrives_before_its_capture_is_recorded_is_retried_not_swallowed(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    """The capture's answer was lost (the row is still approved, without its capture id)
    and an editor refunded at PayPal: the refund matches no donation yet, so it is
    answered 503 and kept nowhere, and PayPal's retry after the completion refunds it."""
    donation = approved_donation(site_tree.site)
    _, order = paypal_sandbox.app._capture(donation.provider_order_id)
    capture_id = order["purchase_units"][0]["payments"]["captures"][0]["id"]
    completed = paypal_sandbox.capture_event(donation.provider_order_id)
    paypal_sandbox.app._refund(capture_id)
    refunded = signed_delivery(
        paypal_sandbox, paypal_sandbox.capture_event(donation.provider_order_id, "PAYMENT.CAPTURE.REFUNDED")
    )
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        early = post_webhook(client, *refunded)
        assert not WebhookEvent.objects.exists()
        assert post_webhook(client, *signed_delivery(paypal_sandbox, completed)).content == b"now completed"
        retried = post_webhook(client, *refunded)

    assert early.status_code == 503
    assert retried.status_code == 200 and retried.content == b"now refunded"
    donation.refresh_from_db()
    assert donation.state == DonationState.REFUNDED and donation.capture_id == capture_id
    assert WebhookEvent.objects.count() == 2


def test_a_capture_event_for_no_donation_of_ours_is_answered_503_and_logged(site_tree, paypal_sandbox, caplog):
    """Another integration on the same PayPal account: PayPal's retries of it are bounded."""
    event = paypal_sandbox.make_event(
        "PAYMENT.CAPTURE.COMPLETED",
        {"id": "3C679366HH908993F", "status": "COMPLETED", "amount": {"currency_code": "USD", "value": "9.00"}},
    )
    answer = post_webhook(Client(REMOTE_ADDR="198.51.100.7"), *signed_delivery(paypal_sandbox, event))
    assert answer.status_code == 503
    assert not WebhookEvent.objects.exists()
    assert "3C679366HH908993F" in caplog.text
