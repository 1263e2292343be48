"""The PayPal gateway against Masthead's local PayPal sandbox, over real HTTP on loopback."""

from __future__ import annotations

import json
import socket
import urllib.parse
from decimal import Decimal

import pytest

from masthead.donations.providers import get_provider
from masthead.donations.providers.base import (
    CaptureStatus,
    OrderNotFound,
    PaymentDeclined,
    ProviderUnavailable,
)
from masthead.donations.providers.paypal import PayPalError, PayPalProvider, format_amount
from masthead.paypal_sandbox.app import SandboxApp
from masthead.paypal_sandbox.server import LocalSandbox
from masthead.paypal_sandbox.tests.browsing import approve

RETURN_URL = "http://news.test/donate/return/?step=back"
CANCEL_URL = "http://news.test/donate/cancelled/"


def provider_for(sandbox, **options) -> PayPalProvider:
    settings = {
        "api_base": sandbox.base_url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "webhook_id": sandbox.webhook_id,
        **options,
    }
    return PayPalProvider(**settings)


def create(provider, *, amount="25", currency="USD", request_id="create-1", reference="donation-1"):
    return provider.create_order(
        amount=Decimal(amount),
        currency=currency,
        reference=reference,
        description="A gift to the newsroom",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
        request_id=request_id,
    )


def test_get_provider_is_the_configured_paypal(paypal_sandbox):
    provider = get_provider()
    assert isinstance(provider, PayPalProvider)
    assert provider.is_configured()
    assert provider.api_base == paypal_sandbox.base_url
    assert provider.sandbox_local


def test_create_approve_capture_get(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    assert order.approve_url.startswith(f"{paypal_sandbox.base_url}/checkoutnow?token=")

    landing = urllib.parse.urlsplit(approve(order.approve_url))
    query = urllib.parse.parse_qs(landing.query)
    assert landing.path == "/donate/return/"
    assert query["step"] == ["back"]
    assert query["token"] == [order.order_id]
    assert query["PayerID"][0]

    captured = provider.capture_order(order.order_id, request_id="capture-1")
    assert captured.order_id == order.order_id
    assert captured.status == "COMPLETED"
    assert (captured.amount, captured.currency, captured.reference) == (Decimal("25.00"), "USD", "donation-1")
    assert captured.capture is not None
    assert captured.capture.status is CaptureStatus.COMPLETED
    assert (captured.capture.amount, captured.capture.currency) == (Decimal("25.00"), "USD")
    assert captured.payer_email == "reader@sandbox.example"
    assert captured.payer_name == "Sandbox Reader"

    assert provider.get_order(order.order_id) == captured


def test_an_order_not_yet_approved_is_created_and_cannot_be_captured(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    state = provider.get_order(order.order_id)
    assert state.status == "PAYER_ACTION_REQUIRED"
    assert state.capture is None
    with pytest.raises(PayPalError) as refused:
        provider.capture_order(order.order_id, request_id="capture-1")
    assert refused.value.issue == "ORDER_NOT_APPROVED"
    assert not isinstance(refused.value, PaymentDeclined | OrderNotFound | ProviderUnavailable)


def test_a_declined_card_raises_payment_declined_with_the_approval_page_to_retry(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    approve(order.approve_url, "Pay — card declined")

    with pytest.raises(PaymentDeclined) as declined:
        provider.capture_order(order.order_id, request_id="capture-1")
    assert declined.value.issue == "INSTRUMENT_DECLINED"
    assert declined.value.retry_url == order.approve_url

    approve(declined.value.retry_url, "Pay")
    captured = provider.capture_order(order.order_id, request_id="capture-2")
    assert captured.capture.status is CaptureStatus.COMPLETED


def test_a_pending_capture_is_pending(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    approve(order.approve_url, "Pay — payment pending")
    captured = provider.capture_order(order.order_id, request_id="capture-1")
    assert captured.status == "COMPLETED"
    assert captured.capture.status is CaptureStatus.PENDING
    assert paypal_sandbox.order(order.order_id)["purchase_units"][0]["payments"]["captures"][0]["status_details"] == {
        "reason": "PENDING_REVIEW"
    }


def test_cancel_sends_the_reader_back_to_the_cancel_url(paypal_sandbox):
    order = create(get_provider())
    assert approve(order.approve_url, "Cancel") == f"{CANCEL_URL}?token={order.order_id}"
    assert get_provider().get_order(order.order_id).status == "PAYER_ACTION_REQUIRED"


@pytest.mark.parametrize(
    "order_id", ["5O190127TN364715T", "../../v1/oauth2/token", "", "é", "x" * 65, "' OR 1=1", "A%2FB"]
)
def test_an_unknown_or_tampered_order_id_is_order_not_found(paypal_sandbox, order_id):
    provider = get_provider()
    with pytest.raises(OrderNotFound):
        provider.get_order(order_id)
    with pytest.raises(OrderNotFound):
        provider.capture_order(order_id, request_id="capture-1")
    with pytest.raises(OrderNotFound):
        provider.refund_capture(order_id, request_id="refund-1")


def test_the_same_request_id_creates_one_order(paypal_sandbox):
    provider = get_provider()
    first = create(provider, request_id="create-1")
    again = create(provider, request_id="create-1")
    other = create(provider, request_id="create-2")
    assert again == first
    assert other.order_id != first.order_id


def test_the_same_request_id_captures_once_and_a_second_capture_returns_the_order(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    approve(order.approve_url)
    first = provider.capture_order(order.order_id, request_id="capture-1")
    replayed = provider.capture_order(order.order_id, request_id="capture-1")
    # A capture retried under a new id (after a crash, say): PayPal answers
    # ORDER_ALREADY_CAPTURED and the gateway returns the order as it stands.
    retried = provider.capture_order(order.order_id, request_id="capture-after-a-crash")
    assert first.capture.capture_id == replayed.capture.capture_id == retried.capture.capture_id
    assert retried == first
    captures = paypal_sandbox.order(order.order_id)["purchase_units"][0]["payments"]["captures"]
    assert len(captures) == 1


def test_refund_refunds_once(paypal_sandbox):
    provider = get_provider()
    order = create(provider)
    approve(order.approve_url)
    capture_id = provider.capture_order(order.order_id, request_id="capture-1").capture.capture_id
    assert provider.refund_capture(capture_id, request_id="refund-1") is CaptureStatus.REFUNDED
    assert provider.refund_capture(capture_id, request_id="refund-1") is CaptureStatus.REFUNDED
    assert provider.refund_capture(capture_id, request_id="refund-2") is CaptureStatus.REFUNDED
    assert provider.get_order(order.order_id).capture.status is CaptureStatus.REFUNDED


def test_a_token_is_fetched_once_and_reused(paypal_sandbox):
    provider = get_provider()
    create(provider, request_id="create-1")
    create(provider, request_id="create-2")
    get_provider().get_order(create(provider, request_id="create-3").order_id)
    assert paypal_sandbox.token_requests == 1


def test_a_token_is_refreshed_after_it_expires():
    now = [1000.0]
    with LocalSandbox() as sandbox:
        sandbox.app.clock = lambda: now[0]
        sandbox.app.token_lifetime = 3600
        provider = provider_for(sandbox, clock=lambda: now[0])
        create(provider, request_id="create-1")
        now[0] += 3600 - 30  # within the margin: the gateway fetches a new one first
        create(provider, request_id="create-2")
        assert sandbox.token_requests == 2
        create(provider, request_id="create-3")
        assert sandbox.token_requests == 2


def test_a_token_revoked_early_is_replaced_and_the_call_succeeds(paypal_sandbox):
    provider = get_provider()
    create(provider, request_id="create-1")
    paypal_sandbox.expire_tokens()
    assert create(provider, request_id="create-2").order_id
    assert paypal_sandbox.token_requests == 2


def test_wrong_credentials_are_a_provider_error_not_unavailable(paypal_sandbox):
    provider = provider_for(paypal_sandbox, client_secret="wrong")
    with pytest.raises(PayPalError) as refused:
        create(provider)
    assert refused.value.status == 401
    assert refused.value.name == "invalid_client"


def test_no_credentials_means_unavailable_without_a_call():
    provider = PayPalProvider(api_base="http://127.0.0.1:9", client_id="", client_secret="")
    assert not provider.is_configured()
    with pytest.raises(ProviderUnavailable):
        provider.get_order("5O190127TN364715T")


def test_a_sandbox_that_is_down_is_unavailable():
    with LocalSandbox() as sandbox:
        provider = provider_for(sandbox)
    with pytest.raises(ProviderUnavailable):
        create(provider)


def test_a_provider_that_never_answers_is_unavailable_after_the_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections (the kernel's backlog) and never answers
        port = silent.getsockname()[1]
        provider = PayPalProvider(
            api_base=f"http://127.0.0.1:{port}", client_id="id", client_secret="secret", timeout=0.2
        )
        with pytest.raises(ProviderUnavailable):
            provider.get_order("5O190127TN364715T")


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_unavailable(paypal_sandbox, status):
    provider = get_provider()
    create(provider)
    paypal_sandbox.fail_next(1, status=status)
    with pytest.raises(ProviderUnavailable):
        create(provider, request_id="create-2")
    assert create(provider, request_id="create-2").order_id


@pytest.mark.parametrize(
    ("amount", "currency", "value"),
    [("25", "USD", "25.00"), ("5.5", "EUR", "5.50"), ("1000", "JPY", "1000"), ("0.01", "GBP", "0.01")],
)
def test_amounts_are_written_with_the_currencys_decimals(amount, currency, value):
    assert format_amount(Decimal(amount), currency) == value


@pytest.mark.parametrize(
    ("amount", "currency"), [("10.005", "USD"), ("10.5", "JPY"), ("0", "USD"), ("-5", "EUR"), ("NaN", "USD")]
)
def test_amounts_finer_than_the_currency_or_not_positive_are_refused(amount, currency):
    with pytest.raises(ValueError):
        format_amount(Decimal(amount), currency)


def test_the_sandbox_refuses_a_currency_paypal_does_not_take(paypal_sandbox):
    with pytest.raises(PayPalError) as refused:
        create(get_provider(), currency="XTS")
    assert refused.value.issue == "CURRENCY_NOT_SUPPORTED"


# Webhooks


def signed(sandbox, event: dict | bytes, **options) -> tuple[dict, bytes]:
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    return sandbox.sign(body, **options), body


def captured_order(provider, button="Pay"):
    order = create(provider)
    approve(order.approve_url, button)
    return provider.capture_order(order.order_id, request_id=f"capture-{order.order_id}")


def test_a_genuine_capture_event_verifies(paypal_sandbox):
    provider = get_provider()
    state = captured_order(provider)
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id))
    event = provider.verify_webhook(headers=headers, raw_body=body)
    assert event is not None
    assert event.event_type == "PAYMENT.CAPTURE.COMPLETED"
    assert event.event_id == json.loads(body)["id"]
    assert event.capture_id == state.capture.capture_id
    assert event.order_id == state.order_id
    assert event.status is CaptureStatus.COMPLETED
    assert (event.amount, event.currency) == (Decimal("25.00"), "USD")
    assert event.raw["resource"]["id"] == state.capture.capture_id


@pytest.mark.parametrize(
    ("event_type", "status"),
    [("PAYMENT.CAPTURE.PENDING", CaptureStatus.PENDING), ("PAYMENT.CAPTURE.DENIED", CaptureStatus.DECLINED)],
)
def test_pending_and_denied_events_verify_with_their_status(paypal_sandbox, event_type, status):
    provider = get_provider()
    state = captured_order(provider, "Pay — payment pending")
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id, event_type))
    event = provider.verify_webhook(headers=headers, raw_body=body)
    assert (event.event_type, event.status, event.capture_id) == (event_type, status, state.capture.capture_id)


def test_a_refund_event_names_the_capture_from_its_up_link(paypal_sandbox):
    provider = get_provider()
    state = captured_order(provider)
    provider.refund_capture(state.capture.capture_id, request_id="refund-1")
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id, "PAYMENT.CAPTURE.REFUNDED"))
    event = provider.verify_webhook(headers=headers, raw_body=body)
    assert event.status is CaptureStatus.REFUNDED
    assert event.capture_id == state.capture.capture_id
    assert event.event_id != ""


def test_a_forged_signature_is_none(paypal_sandbox):
    provider = get_provider()
    state = captured_order(provider)
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id))
    # Another sandbox: another signing key, the same webhook id and certificate URL.
    forged = SandboxApp(
        client_id="x", client_secret="y", webhook_id=paypal_sandbox.webhook_id, base_url=paypal_sandbox.base_url
    )
    assert provider.verify_webhook(headers=forged.sign(body), raw_body=body) is None
    assert provider.verify_webhook(headers={**headers, "PAYPAL-TRANSMISSION-SIG": "AAAA"}, raw_body=body) is None


def test_an_altered_body_is_none(paypal_sandbox):
    provider = get_provider()
    state = captured_order(provider)
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id))
    altered = body.replace(b'"25.00"', b'"2500.00"')
    assert altered != body
    assert provider.verify_webhook(headers=headers, raw_body=altered) is None


def test_an_event_signed_for_another_webhook_or_checked_against_another_is_none(paypal_sandbox):
    state = captured_order(get_provider())
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id), webhook_id="WH-ANOTHER")
    assert get_provider().verify_webhook(headers=headers, raw_body=body) is None
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(state.order_id))
    elsewhere = provider_for(paypal_sandbox, webhook_id="WH-ANOTHER")
    assert elsewhere.verify_webhook(headers=headers, raw_body=body) is None
    assert provider_for(paypal_sandbox, webhook_id="").verify_webhook(headers=headers, raw_body=body) is None


def test_the_event_is_sent_back_byte_for_byte(paypal_sandbox):
    """An event whose spacing and key order json.dumps would change still verifies."""
    provider = get_provider()
    state = captured_order(provider)
    event = paypal_sandbox.capture_event(state.order_id)
    body = json.dumps(dict(reversed(list(event.items()))), indent=3, separators=(" ,", " :  "), ensure_ascii=False)
    body = body.replace('"summary"', '"summary"\t').encode()
    assert json.dumps(json.loads(body)).encode() != body
    headers = paypal_sandbox.sign(body)
    verified = provider.verify_webhook(headers=headers, raw_body=body)
    assert verified is not None
    assert verified.capture_id == state.capture.capture_id


def test_headers_are_found_in_any_case_and_as_django_meta_names(paypal_sandbox):
    provider = get_provider()
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(captured_order(provider).order_id))
    lower = {name.lower(): value for name, value in headers.items()}
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    assert provider.verify_webhook(headers=lower, raw_body=body) is not None
    assert provider.verify_webhook(headers=meta, raw_body=body) is not None


@pytest.mark.parametrize(
    "raw_body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"id": "WH-1"}, "webhook_id": "WH-MASTHEAD-LOCAL-SANDBOX"',  # splicing must not add fields
        b'{"id": NaN}',
        '{"id": "WH-1"}'.encode("utf-16"),
    ],
)
def test_bodies_that_are_not_one_json_object_are_none(paypal_sandbox, raw_body):
    headers = paypal_sandbox.sign(raw_body)
    assert get_provider().verify_webhook(headers=headers, raw_body=raw_body) is None


def test_missing_signature_headers_are_none(paypal_sandbox):
    provider = get_provider()
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(captured_order(provider).order_id))
    del headers["PAYPAL-CERT-URL"]
    assert provider.verify_webhook(headers=headers, raw_body=body) is None


def test_a_verified_event_that_is_not_about_a_capture_is_verified_without_a_status(paypal_sandbox):
    """Not None: None means "not from PayPal", and the view refuses those."""
    event = paypal_sandbox.make_event(
        "CHECKOUT.ORDER.APPROVED", {"id": "5O190127TN364715T"}, resource_type="checkout-order"
    )
    headers, body = signed(paypal_sandbox, event)
    verified = get_provider().verify_webhook(headers=headers, raw_body=body)
    assert verified is not None
    assert (verified.event_id, verified.event_type) == (event["id"], "CHECKOUT.ORDER.APPROVED")
    assert verified.status is None and verified.capture_id == ""


def test_verification_while_paypal_is_down_raises_unavailable(paypal_sandbox):
    provider = get_provider()
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(captured_order(provider).order_id))
    paypal_sandbox.fail_next(1, status=503)
    with pytest.raises(ProviderUnavailable):
        provider.verify_webhook(headers=headers, raw_body=body)
    assert provider.verify_webhook(headers=headers, raw_body=body) is not None


def test_a_wrong_secret_never_borrows_a_token_the_right_one_got(paypal_sandbox):
    create(get_provider())
    with pytest.raises(PayPalError) as refused:
        create(provider_for(paypal_sandbox, client_secret="wrong"), request_id="create-2")
    assert refused.value.status == 401


def test_verification_with_wrong_credentials_raises_rather_than_calling_the_event_forged(paypal_sandbox):
    """A configuration problem must not make genuine events look forged: the webhook view
    answers 5xx and PayPal delivers again once the credentials are fixed."""
    provider = get_provider()
    headers, body = signed(paypal_sandbox, paypal_sandbox.capture_event(captured_order(provider).order_id))
    with pytest.raises(PayPalError) as refused:
        provider_for(paypal_sandbox, client_secret="wrong").verify_webhook(headers=headers, raw_body=body)
    assert refused.value.status == 401
