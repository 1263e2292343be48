"""Taking a donation against Masthead's local PayPal sandbox: validation on the server,
capture from our own record, declines, pending captures, tampered order ids, receipts."""

from decimal import Decimal

import pytest
from django.core import mail

from masthead.donations import services
from masthead.donations.models import CurrencyOption, Donation, DonationState
from masthead.donations.tests.factories import approved_donation, donation_settings, start_donation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        ("4.99", "USD", "amount"),  # below the minimum
        ("100.01", "USD", "amount"),  # above the maximum
        ("25", "JPY", "currency"),  # not offered
        ("25", "", "currency"),
        ("twenty", "USD", "amount"),
        ("NaN", "USD", "amount"),
        ("Infinity", "USD", "amount"),
        ("1e2", "USD", "amount"),
        ("-25", "USD", "amount"),
        ("25.001", "USD", "amount"),
        ("", "USD", "amount"),
        ("٢٥", "USD", "amount"),  # Arabic-Indic digits are digits to Python, not to us
    ],
)
def test_amounts_are_checked_on_the_server(site_tree, amount, currency, field):
    settings = donation_settings(site_tree.site)
    with pytest.raises(services.DonationRefused) as refusal:
        services.validate_donation(settings=settings, amount_raw=amount, currency_raw=currency)
    assert refusal.value.field == field


def test_bounds_and_currencies_come_from_the_site_settings(site_tree):
    settings = donation_settings(site_tree.site)
    CurrencyOption.objects.create(settings=settings, currency="GBP", minimum=2, maximum=500, presets="2 20 200")
    assert services.validate_donation(settings=settings, amount_raw="250", currency_raw="gbp") == (
        Decimal("250.00"),
        "GBP",
    )
    with pytest.raises(services.DonationRefused):
        services.validate_donation(settings=settings, amount_raw="25", currency_raw="USD")  # no longer offered


def test_a_refused_amount_creates_no_row_and_no_order(site_tree, paypal_sandbox):
    with pytest.raises(services.DonationRefused):
        start_donation(site_tree.site, amount="1000")
    assert not Donation.objects.exists()


def test_approve_and_capture_completes_once_with_one_receipt(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site, amount="25", currency="USD")
    with django_capture_on_commit_callbacks(execute=True):
        captured = services.donation_capture(order_id=donation.provider_order_id)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.donation_capture(order_id=donation.provider_order_id)  # a reload
    assert captured.state == again.state == DonationState.COMPLETED
    assert captured.capture_id and captured.amount == Decimal("25.00")
    (receipt,) = mail.outbox
    assert receipt.to == ["ada@example.org"] and "$25" in receipt.subject
    assert Donation.objects.get().receipt_sent_at is not None


def test_the_amount_captured_comes_from_our_record_not_the_browser(site_tree, paypal_sandbox):
    donation = approved_donation(site_tree.site, amount="10", currency="EUR")
    captured = services.donation_capture(order_id=donation.provider_order_id)
    order = paypal_sandbox.order(donation.provider_order_id)
    assert order["purchase_units"][0]["amount"] == {"currency_code": "EUR", "value": "10.00"}
    assert order["purchase_units"][0]["reference_id"] == str(donation.pk) or order["purchase_units"][0].get(
        "custom_id"
    ) == str(donation.pk)
    assert (captured.amount, captured.currency) == (Decimal("10.00"), "EUR")


@pytest.mark.parametrize("order_id", ["", "NOT-OURS", "X" * 500, "1 OR 1=1"])
def test_a_tampered_order_id_captures_nothing(site_tree, paypal_sandbox, order_id):
    approved_donation(site_tree.site)
    with pytest.raises(services.UnknownOrder):
        services.donation_capture(order_id=order_id)
    assert Donation.objects.get().state == DonationState.CREATED


def test_an_order_of_ours_unknown_to_paypal_captures_nothing(site_tree, paypal_sandbox):
    donation = start_donation(site_tree.site)
    Donation.objects.filter(pk=donation.pk).update(provider_order_id="5O190127TN364715T")
    with pytest.raises(services.UnknownOrder):
        services.donation_capture(order_id="5O190127TN364715T")


def test_a_declined_card_can_be_retried_at_paypal(site_tree, paypal_sandbox):
    donation = approved_donation(site_tree.site, button="Pay — card declined")
    with pytest.raises(services.Declined) as declined:
        services.donation_capture(order_id=donation.provider_order_id)
    assert declined.value.retry_url.startswith(paypal_sandbox.base_url)
    assert Donation.objects.get().state == DonationState.DECLINED
    from masthead.paypal_sandbox.tests.browsing import approve

    approve(declined.value.retry_url, "Pay")
    assert services.donation_capture(order_id=donation.provider_order_id).state == DonationState.COMPLETED


def test_a_pending_capture_is_pending_and_sends_no_receipt(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site, button="Pay — payment pending")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.donation_capture(order_id=donation.provider_order_id).state == DonationState.PENDING
    assert mail.outbox == []


def test_paypal_down_at_start_keeps_no_order_and_says_so(site_tree, paypal_sandbox):
    from masthead.donations.providers.base import ProviderUnavailable

    paypal_sandbox.fail_next(5, 503)
    with pytest.raises(ProviderUnavailable):
        start_donation(site_tree.site)
    assert Donation.objects.get().provider_order_id is None
