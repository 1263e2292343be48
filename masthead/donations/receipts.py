"""The receipt mail, sent once per completed donation.

At most once: the receipt is claimed with one conditional UPDATE (receipt_sent_at from
NULL to now) before the mail goes out, so two runs of the task (a webhook and the
reader's return at the same moment, a retried task) send one mail. If sending fails
with an error the claim is released and `reconcile` sends it again later; if the worker
dies between the claim and the SMTP server's answer the receipt is lost (logged nowhere
but visible in the admin as a completed donation the donor may ask about). A second
receipt for the same money would be worse than a missing one: the admin can resend.
"""

from __future__ import annotations

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
    try:
        mailers.default.send_messages([message])
    except Exception:
        Donation.objects.filter(pk=donation_id, receipt_sent_at=now).update(receipt_sent_at=None)
        logger.exception("Receipt for donation %s not sent; reconcile will try again", donation_id)
        raise
    return True
