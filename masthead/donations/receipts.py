"""The receipt mail, sent once per completed donation.

At most once: the receipt is claimed with one conditional UPDATE (receipt_sent_at from
NULL to now) before the mail goes out, so two runs of the task (a webhook and the
reader's return at the same moment, a retried task) send one mail. If sending fails
(connecting, or the server refusing the mail) the claim is released and `reconcile`
sends it again later; an error after the server accepted the mail (closing the
connection) keeps the claim, as the donor has the receipt. If the worker
dies between the claim and the SMTP server's answer the receipt is lost (logged nowhere
but visible in the admin as a completed donation the donor may ask about). A second
receipt for the same money would be worse than a missing one: the admin can resend.
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings as django_settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.donations.models import Donation, DonationSettings, DonationState

logger = logging.getLogger(__name__)


def receipt_send(*, donation_id: int) -> bool:
    now = timezone.now()
    claimed = (
        Donation.objects.filter(pk=donation_id, state=DonationState.COMPLETED, receipt_sent_at__isnull=True)
        .exclude(Q(email=""))
        .update(receipt_sent_at=now)
    )
    if not claimed:
        return False
    donation = Donation.objects.select_related("site").get(pk=donation_id)
    settings = DonationSettings.for_site(donation.site)
    from masthead.core.models import SiteSettings

    context = {
        "donation": donation,
        "site_name": SiteSettings.for_site(donation.site).site_name,
        "receipt_text": settings.receipt_text,
        "site_url": django_settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"Your receipt: {donation.display_amount} to {context['site_name']}"[:200],
        body=render_to_string("donations/mail/receipt.txt", context),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[donation.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("donations/mail/receipt.html", context), "text/html")
    mailer = mailers.default
    try:
        mailer.open()
        mailer.send_messages([message])
    except Exception:
        Donation.objects.filter(pk=donation_id, receipt_sent_at=now).update(receipt_sent_at=None)
        logger.exception("Receipt for donation %s not sent; reconcile will try again", donation_id)
        with contextlib.suppress(Exception):
            mailer.close()
        raise
    # The server has accepted the mail: whatever goes wrong while closing (a QUIT
    # answered with an error, a reset) the donor has the receipt, and releasing the
    # claim would send a second one.
    try:
        mailer.close()
    except Exception:
        logger.warning("Receipt for donation %s sent; closing the connection failed", donation_id, exc_info=True)
    return True
