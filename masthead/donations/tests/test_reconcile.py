"""`masthead donations reconcile`: what the server never recorded is settled once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from masthead.donations import services
from masthead.donations.models import Donation, DonationState
from masthead.donations.tests.factories import approved_donation, start_donation
from masthead.paypal_sandbox.tests.browsing import approve

pytestmark = pytest.mark.django_db


class CommitFailsOnCompletion:
    """A trigger that makes the database refuse to record a completion, as if the
    server died between PayPal's capture and our commit."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION masthead_test_crash() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'injected crash'; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    "CREATE TRIGGER masthead_test_crash BEFORE UPDATE ON donations_donation FOR EACH ROW "
                    "WHEN (NEW.state = 'completed') EXECUTE FUNCTION masthead_test_crash()"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER masthead_test_crash BEFORE UPDATE ON donations_donation "
                    "WHEN NEW.state = 'completed' BEGIN SELECT RAISE(ABORT, 'injected crash'); END"
                )
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER masthead_test_crash"
                + (" ON donations_donation" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION masthead_test_crash()")


def test_a_crash_between_capture_and_commit_is_completed_once_by_reconcile(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site)
    with CommitFailsOnCompletion(), pytest.raises(DatabaseError):
        services.donation_capture(order_id=donation.provider_order_id)
    assert paypal_sandbox.order(donation.provider_order_id)["status"] == "COMPLETED"  # PayPal has the money
    assert Donation.objects.get().state == DonationState.APPROVED  # we did not record it

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("donations", "reconcile", "--min-age-seconds=0", stdout=out)
    assert "completed: 1" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("donations", "reconcile", "--min-age-seconds=0", stdout=StringIO())

    donation.refresh_from_db()
    assert donation.state == DonationState.COMPLETED and donation.capture_id
    assert len(mail.outbox) == 1
    assert paypal_sandbox.order(donation.provider_order_id)["purchase_units"][0]["payments"]["captures"].__len__() == 1


def test_an_approved_order_the_reader_never_returned_from_is_captured(site_tree, paypal_sandbox):
    donation = approved_donation(site_tree.site)
    counts = services.donations_reconcile(min_age=timedelta(0))
    assert counts["completed"] == 1
    assert Donation.objects.get(pk=donation.pk).state == DonationState.COMPLETED


def test_unapproved_orders_wait_a_day_then_are_abandoned(site_tree, paypal_sandbox):
    donation = start_donation(site_tree.site)
    assert services.donations_reconcile(min_age=timedelta(0))["abandoned"] == 0
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert services.donations_reconcile(now=later, min_age=timedelta(0))["abandoned"] == 1
    assert Donation.objects.get(pk=donation.pk).state == DonationState.ABANDONED


def test_a_return_before_approval_does_not_keep_the_order_from_being_abandoned(site_tree, paypal_sandbox):
    """The return address opened before approving moved the row to approved, PayPal then
    refused the capture, and reconcile, which abandoned only rows still created, asked
    PayPal about it every five minutes for good."""
    from masthead.donations.providers.base import ProviderError

    donation = start_donation(site_tree.site)
    with pytest.raises(ProviderError):
        services.donation_capture(order_id=donation.provider_order_id)
    assert Donation.objects.get(pk=donation.pk).state == DonationState.APPROVED
    assert services.donations_reconcile(min_age=timedelta(0))["abandoned"] == 0  # the reader may yet approve
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert services.donations_reconcile(now=later, min_age=timedelta(0))["abandoned"] == 1
    assert Donation.objects.get(pk=donation.pk).state == DonationState.ABANDONED


def test_young_orders_are_left_to_the_readers_return(site_tree, paypal_sandbox):
    approved_donation(site_tree.site)
    assert services.donations_reconcile()["completed"] == 0
    assert Donation.objects.get().state == DonationState.CREATED


def test_paypal_unreachable_leaves_everything_for_the_next_run(site_tree, paypal_sandbox):
    approved_donation(site_tree.site)
    paypal_sandbox.fail_next(20, 503)
    assert services.donations_reconcile(min_age=timedelta(0))["unreachable"] == 1
    assert Donation.objects.get().state == DonationState.CREATED


def test_a_reader_who_approved_again_after_a_decline_and_never_came_back_is_captured(
    site_tree, paypal_sandbox, django_capture_on_commit_callbacks
):
    donation = approved_donation(site_tree.site, button="Pay — card declined")
    with pytest.raises(services.Declined) as declined:
        services.donation_capture(order_id=donation.provider_order_id)
    approve(declined.value.retry_url, "Pay")  # another card at PayPal, then the tab is closed
    assert paypal_sandbox.order(donation.provider_order_id)["status"] == "APPROVED"

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.donations_reconcile(now=timezone.now() + timedelta(minutes=10))

    assert counts["completed"] == 1
    donation.refresh_from_db()
    assert donation.state == DonationState.COMPLETED and donation.capture_id
    assert paypal_sandbox.order(donation.provider_order_id)["status"] == "COMPLETED"
    assert len(mail.outbox) == 1


def test_a_declined_order_paypal_no_longer_has_is_left_declined(site_tree, paypal_sandbox):
    donation = approved_donation(site_tree.site, button="Pay — card declined")
    with pytest.raises(services.Declined):
        services.donation_capture(order_id=donation.provider_order_id)
    Donation.objects.filter(pk=donation.pk).update(provider_order_id="5O190127TN364715T")  # voided and gone

    counts = services.donations_reconcile(now=timezone.now() + timedelta(minutes=10))

    assert counts == {**counts, "completed": 0, "abandoned": 0}
    assert Donation.objects.get(pk=donation.pk).state == DonationState.DECLINED
