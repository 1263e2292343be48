"""The two mails the reader side sends: the double opt-in confirmation, and the note to
an address that is subscribed already (with its preferences link instead of a second
subscription). Edition mail is the delivery side's.

Each is claimed before it is sent, so two runs of the task (a retry, a form sent twice)
send one mail:
- confirmation: `confirmation_sent_at` moves forward with one conditional UPDATE, at
  most once per RESEND_AFTER, and at most MAILS_PER_DAY a day per address;
- already subscribed: at most one a day per address (a rate-limit counter; nothing in the
  subscriber's row records it).

The note to a confirmed address, rather than silence: a reader who forgot they are
subscribed, or lost our mails, asks again and gets the one thing they can use (the link
to their preferences); a stranger who types their address learns nothing (the answer on
the page is the same) and can cause at most one such mail a day.
"""

from __future__ import annotations

import datetime
import logging
from email.utils import formataddr, parseaddr

from django.conf import settings as django_settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.core import ratelimit
from masthead.newsletter import links
from masthead.newsletter.models import NewsletterSettings, Subscriber, SubscriberStatus

logger = logging.getLogger(__name__)

RESEND_AFTER = datetime.timedelta(minutes=5)
MAILS_PER_DAY = 5
DAY = 24 * 3600


def confirmation_send(*, subscriber_id: int, now=None) -> bool:
    """Mail the signed confirmation link; False when none was due (confirmed already, a
    mail went out a moment ago, or the address had its day's share)."""
    now = now or timezone.now()
    waiting = Subscriber.objects.filter(pk=subscriber_id).exclude(status=SubscriberStatus.CONFIRMED)
    subscriber = waiting.first()
    if subscriber is None:
        return False
    if ratelimit.seen("newsletter-mail-day", subscriber.email.lower(), window_seconds=DAY) >= MAILS_PER_DAY:
        return False
    claimed = waiting.filter(
        Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - RESEND_AFTER)
    ).update(confirmation_sent_at=now)
    if not claimed:
        return False
    ratelimit.hits("newsletter-mail-day", subscriber.email.lower(), window_seconds=DAY)
    subscriber.refresh_from_db()
    context = _context(subscriber)
    context["confirm_url"] = links.absolute_url(subscriber, "confirm")
    context["lists"] = list(subscriber.lists.order_by("position", "name"))
    try:
        _send(
            subscriber,
            subject=f"Confirm your subscription to {context['site_name']}",
            template="confirm",
            context=context,
        )
    except Exception:
        # Released so a retry (or the reader asking again) can send it.
        Subscriber.objects.filter(pk=subscriber_id, confirmation_sent_at=now).update(confirmation_sent_at=None)
        raise
    return True


def already_subscribed_send(*, subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=SubscriberStatus.CONFIRMED).first()
    if subscriber is None:
        return False
    if not ratelimit.allow("newsletter-already-subscribed", subscriber.email.lower(), limit=1, window_seconds=DAY):
        return False
    context = _context(subscriber)
    context["lists"] = list(subscriber.lists.order_by("position", "name"))
    _send(
        subscriber, subject=f"You are already subscribed to {context['site_name']}", template="already", context=context
    )
    return True


def _context(subscriber: Subscriber) -> dict:
    from masthead.core.models import SiteSettings

    site = subscriber.site
    return {
        "subscriber": subscriber,
        "site_name": SiteSettings.for_site(site).site_name,
        "settings": NewsletterSettings.for_site(site),
        "site_url": django_settings.SITE_URL.rstrip("/"),
        "preferences_url": links.absolute_url(subscriber, "preferences"),
        "signup_url": django_settings.SITE_URL.rstrip("/") + "/newsletter/",
    }


def _send(subscriber: Subscriber, *, subject: str, template: str, context: dict) -> None:
    newsletter = context["settings"]
    # DEFAULT_FROM_EMAIL may carry a display name of its own: the newsletter's replaces it.
    sender = parseaddr(newsletter.from_email or django_settings.DEFAULT_FROM_EMAIL)[1]
    from_name = newsletter.from_name or context["site_name"]
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ").replace("\r", " ")[:200],
        body=render_to_string(f"newsletter/mail/{template}.txt", context),
        from_email=formataddr((from_name, sender)) if from_name else sender,
        to=[subscriber.email],
        # Auto-Submitted keeps out-of-office replies away; no List-Unsubscribe: this is
        # not list mail, and nobody is on a list until they confirm.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"newsletter/mail/{template}.html", context), "text/html")
    mailers.default.send_messages([message])
