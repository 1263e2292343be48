"""The receipt mail, against a real SMTP server (aiosmtpd): at most once per donation."""

import smtplib

import pytest

from masthead.donations import receipts, services
from masthead.donations.models import Donation, DonationState
from masthead.donations.tests.factories import make_donation

pytestmark = pytest.mark.django_db


def _completed(site) -> Donation:
    donation = make_donation(site)
    services.donation_transition(donation_id=donation.pk, to=DonationState.COMPLETED, capture_id=f"CAP{donation.pk}")
    return donation


def test_a_receipt_the_server_accepted_counts_as_sent_though_quit_then_fails(site_tree, smtp_inbox):
    """Once the server answered 250 to the mail's DATA the donor has it: an error while
    closing the connection must not release the claim, or reconcile sends it again."""
    donation = _completed(site_tree.site)

    async def garbled_quit(server, session, envelope):
        return "421 " + "x" * 9000  # smtplib raises SMTPResponseException for a reply over 8 KiB

    smtp_inbox.handle_QUIT = garbled_quit
    assert receipts.receipt_send(donation_id=donation.pk) is True
    del smtp_inbox.handle_QUIT

    assert Donation.objects.get(pk=donation.pk).receipt_sent_at is not None
    assert receipts.receipt_send(donation_id=donation.pk) is False  # what reconcile's re-queued task runs
    assert len(smtp_inbox.envelopes) == 1


def test_a_receipt_the_server_refused_is_released_for_reconcile(site_tree, smtp_inbox):
    donation = _completed(site_tree.site)
    accept = smtp_inbox.handle_DATA

    async def refuse(server, session, envelope):
        return "451 Try again later"

    smtp_inbox.handle_DATA = refuse
    with pytest.raises(smtplib.SMTPDataError):
        receipts.receipt_send(donation_id=donation.pk)
    smtp_inbox.handle_DATA = accept

    assert Donation.objects.get(pk=donation.pk).receipt_sent_at is None
    assert receipts.receipt_send(donation_id=donation.pk) is True
    assert len(smtp_inbox.envelopes) == 1
