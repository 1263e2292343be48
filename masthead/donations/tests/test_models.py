"""The state machine and the database's own refusals (run on PostgreSQL too)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from masthead.donations import services
from masthead.donations.models import TRANSITIONS, CurrencyOption, Donation, DonationState, format_money
from masthead.donations.tests.factories import donation_settings, make_donation

pytestmark = pytest.mark.django_db
S = DonationState


def test_the_happy_path_sets_each_states_timestamp(site_tree):
    donation = make_donation(site_tree.site)
    services.donation_transition(donation_id=donation.pk, to=S.APPROVED)
    donation, changed = services.donation_transition(donation_id=donation.pk, to=S.COMPLETED, capture_id="CAP1")
    assert changed and donation.state == S.COMPLETED
    assert donation.approved_at and donation.completed_at and donation.capture_id == "CAP1"


def test_repeating_a_transition_changes_nothing(site_tree):
    donation = make_donation(site_tree.site)
    services.donation_transition(donation_id=donation.pk, to=S.COMPLETED, capture_id="CAP2")
    _, changed = services.donation_transition(donation_id=donation.pk, to=S.COMPLETED, capture_id="CAP2")
    assert changed is False


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([S.COMPLETED, S.REFUNDED], S.COMPLETED),  # a late "completed" never resurrects a refund
        ([S.COMPLETED], S.PENDING),
        ([S.COMPLETED], S.CREATED),
        ([], S.REFUNDED),  # nothing to refund before money arrived
        ([S.PENDING], S.APPROVED),
    ],
)
def test_illegal_moves_are_refused(site_tree, path, illegal):
    donation = make_donation(site_tree.site)
    for state in path:
        services.donation_transition(donation_id=donation.pk, to=state, capture_id="CAP-" + str(donation.pk))
    with pytest.raises(services.IllegalTransition):
        services.donation_transition(donation_id=donation.pk, to=illegal)
    assert Donation.objects.get(pk=donation.pk).state == (path[-1] if path else S.CREATED)


def test_every_state_has_its_moves_listed():
    assert set(TRANSITIONS) == set(DonationState.values)
    assert TRANSITIONS[S.REFUNDED] == frozenset()


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "stolen"},
        {"amount": Decimal("0")},
        {"amount": Decimal("-5")},
        {"currency": "JPY"},
        {"state": S.COMPLETED, "capture_id": None},
        {"state": S.REFUNDED, "capture_id": ""},
    ],
)
def test_the_database_refuses_impossible_rows(site_tree, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_donation(site_tree.site, **fields)


def test_order_and_capture_ids_are_unique(site_tree):
    make_donation(site_tree.site, provider_order_id="ORDER1", capture_id="CAPX")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_donation(site_tree.site, provider_order_id="ORDER1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_donation(site_tree.site, capture_id="CAPX")


def test_money_reads_as_readers_write_it():
    assert format_money(Decimal("3200.00"), "EUR") == "€3,200"
    assert format_money(Decimal("12.50"), "USD") == "$12.50"
    assert format_money(Decimal("5"), "GBP") == "£5"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"quick_amount": Decimal("150")}, "quick_amount"),  # above the default 100
        ({"quick_amount": Decimal("4.99")}, "quick_amount"),  # below the default 5
        ({"quick_currency": "CHF"}, "quick_currency"),  # not among the defaults (USD, EUR, GBP)
    ],
)
def test_quick_donate_outside_what_readers_may_give_is_refused(site_tree, fields, field):
    """Else every press of "Quick donate" is answered 400."""
    settings = donation_settings(site_tree.site, **fields)
    with pytest.raises(ValidationError) as refusal:
        settings.full_clean()
    assert set(refusal.value.message_dict) == {field}


def test_quick_donate_is_checked_against_the_currencies_the_editor_lists(site_tree):
    settings = donation_settings(site_tree.site, quick_amount=Decimal("150"), quick_currency="CHF")
    CurrencyOption.objects.create(settings=settings, currency="CHF", minimum=10, maximum=500)
    settings.full_clean()
    CurrencyOption.objects.filter(settings=settings).update(maximum=100)
    with pytest.raises(ValidationError) as refusal:
        settings.full_clean()
    assert "100.00 CHF" in str(refusal.value.message_dict["quick_amount"])
