"""The readers' side of the newsletter: signup with double opt-in, confirmation, the
preferences a mailed link opens (lists, pause, unsubscribe) and RFC 8058 one-click
unsubscribe.

Two rules shape it:
- Nothing but the confirmation mail ever goes to an address before it confirmed, and an
  address is confirmed only by a POST from the page its signed link opens.
- The signup's answer is the same for every address, whatever its state; what differs
  (a confirmation mail, a "you are already subscribed" mail, nothing) happens in a task
  after commit and reaches only the address's owner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.newsletter import links, selectors
from masthead.newsletter.models import MAX_EMAIL, NewsletterList, Subscriber, SubscriberStatus, Subscription

# "Until I resume": the DateField's far end, so `receives_mail` needs no second rule.
PAUSED_INDEFINITELY = datetime.date(9999, 12, 31)
PAUSES = {"week": datetime.timedelta(days=7), "month": datetime.timedelta(days=30), "resume": None}
_validate_email = EmailValidator(message="Enter a valid email address, such as name@example.org.")


class SignupRefused(Exception):
    """Input we do not take: a message for the reader and the field it concerns."""

    def __init__(self, message: str, field: str = "email"):
        super().__init__(message)
        self.message, self.field = message, field


def clean_email(raw) -> str:
    """The address as stored: trimmed, its domain in lower case (the local part's case
    belongs to the receiving server), valid by Django's EmailValidator."""
    if not isinstance(raw, str) or not raw.strip():
        raise SignupRefused("Enter your email address.")
    email = raw.strip()
    local, at, domain = email.rpartition("@")
    if not at or any(character in email for character in "\x00\r\n"):
        if len(email) > MAX_EMAIL:
            raise SignupRefused(f"That address is too long: email addresses have at most {MAX_EMAIL} characters.")
        raise SignupRefused("Enter a valid email address, such as name@example.org.")
    # The length as stored: a domain in lower case can be longer than as typed ("İ").
    email = f"{local}@{domain.lower()}"
    if len(email) > MAX_EMAIL:
        raise SignupRefused(f"That address is too long: email addresses have at most {MAX_EMAIL} characters.")
    try:
        _validate_email(email)
    except ValidationError as error:
        raise SignupRefused(error.messages[0]) from None
    return email


def chosen_lists(site, raw_slugs) -> list[NewsletterList]:
    """The public lists a form named, by slug; unknown or repeated names are refused
    rather than dropped, so a reader never subscribes to less than they ticked."""
    slugs = [str(slug) for slug in raw_slugs]
    offered = {newsletter_list.slug: newsletter_list for newsletter_list in selectors.public_lists(site)}
    if not slugs:
        raise SignupRefused("Choose at least one newsletter.", field="lists")
    if len(slugs) > len(offered) or any(slug not in offered for slug in slugs):
        raise SignupRefused("Choose among the newsletters listed.", field="lists")
    return [offered[slug] for slug in dict.fromkeys(slugs)]


@dataclass(frozen=True)
class SignupResult:
    """What the signup did, for tests and logs; the reader is never told."""

    subscriber_id: int
    mail: str  # "confirmation", "already-subscribed"


def subscriber_signup(*, site, email: str, lists: list[NewsletterList], consent_text: str) -> SignupResult:
    """Someone asks for `lists` at `email` (cleaned already). A new, pending, unsubscribed
    or bounced address keeps the lists it asked for, waiting, and gets a confirmation
    mail; a confirmed one changes nothing (a stranger must not change a subscriber's
    lists) and gets a reminder with its preferences link."""
    from masthead.newsletter import tasks

    with transaction.atomic():
        subscriber = _get_or_create(site=site, email=email)
        if subscriber.status == SubscriberStatus.CONFIRMED:
            mail = "already-subscribed"
        else:
            mail = "confirmation"
            subscriber.consent_text = consent_text
            subscriber.save(update_fields=["consent_text"])
            _replace_lists(subscriber, lists, public_only=False)
    subscriber_id = subscriber.pk
    if mail == "confirmation":
        transaction.on_commit(lambda: tasks.send_confirmation.enqueue(subscriber_id))
    else:
        transaction.on_commit(lambda: tasks.send_already_subscribed.enqueue(subscriber_id))
    return SignupResult(subscriber_id, mail)


def _get_or_create(*, site, email: str) -> Subscriber:
    subscriber = selectors.subscriber_by_email(site, email)
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(site=site, email=email, source=Subscriber.Source.SIGNUP)
    except IntegrityError:  # the same address asked twice at the same moment
        return selectors.subscriber_by_email(site, email)


def _replace_lists(subscriber: Subscriber, lists, *, public_only: bool) -> None:
    """Make the subscriber's lists `lists`; with public_only, lists the reader cannot see
    (an editor's private ones) stay as they are."""
    wanted = {newsletter_list.pk for newsletter_list in lists}
    current = subscriber.subscriptions.all()
    if public_only:
        current = current.filter(newsletter_list__public=True)
    current.exclude(newsletter_list_id__in=wanted).delete()
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, newsletter_list_id=pk) for pk in sorted(wanted)], ignore_conflicts=True
    )


def subscriber_for_confirmation(token: str) -> Subscriber:
    """The subscriber a confirmation link names, if the link may still confirm it. A link
    mailed before the address unsubscribed (or bounced) is used up: replayed later it
    must not subscribe someone who left."""
    subscriber, link = selectors.subscriber_and_link(token, "confirm")
    left_at = {
        SubscriberStatus.UNSUBSCRIBED: subscriber.unsubscribed_at,
        SubscriberStatus.BOUNCED: subscriber.bounced_at,
    }.get(subscriber.status)
    # Also judged by when this link was made (to the second), not only by the latest
    # confirmation mail: after a new signup of the address (by anyone) an old link would
    # otherwise work again.
    if subscriber.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED) and (
        subscriber.confirmation_sent_at is None
        or (
            left_at is not None
            and (subscriber.confirmation_sent_at <= left_at or link.signed_at < int(left_at.timestamp()))
        )
    ):
        raise links.BadLink("This confirmation link was sent before you unsubscribed.", expired=True)
    return subscriber


def subscriber_confirm(*, token: str, consent_text: str = "", now=None) -> Subscriber:
    """The address proved it reads its mail (a POST from the confirmation page, which
    showed `consent_text`: kept as what they agreed to if nothing was kept before, as for
    an address an editor imported without the people's consent)."""
    now = now or timezone.now()
    subscriber = subscriber_for_confirmation(token)
    if subscriber.status != SubscriberStatus.CONFIRMED:
        if consent_text and not subscriber.consent_text:
            subscriber.consent_text = consent_text
            subscriber.save(update_fields=["consent_text"])
        _make_confirmed(subscriber, now=now)
    return subscriber


def _make_confirmed(subscriber: Subscriber, *, now) -> None:
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.paused_until = None
    subscriber.bounce_count = 0
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "paused_until", "bounce_count"])


def subscriber_preferences_save(*, subscriber: Subscriber, lists: list[NewsletterList], consent_text: str, now=None):
    """The preferences page's lists. Ticking none is unsubscribing; an unsubscribed or
    bounced reader who ticks some is subscribed again (the signed link in their mail is
    the same proof a confirmation link is)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not lists:
            subscriber_unsubscribe(subscriber=subscriber, now=now)
            return
        _replace_lists(subscriber, lists, public_only=True)
        if subscriber.status != SubscriberStatus.CONFIRMED:
            subscriber.consent_text = consent_text
            subscriber.save(update_fields=["consent_text"])
            _make_confirmed(subscriber, now=now)


def subscriber_pause(*, subscriber: Subscriber, period: str, today: datetime.date | None = None) -> None:
    """Pause for a week or a month (mail resumes by itself), until the reader resumes
    ("indefinitely"), or resume now ("resume")."""
    today = today or timezone.localdate()
    if period == "indefinitely":
        until = PAUSED_INDEFINITELY
    elif period in PAUSES:
        length = PAUSES[period]
        until = today + length if length else None
    else:
        raise SignupRefused("Choose how long to pause.", field="pause")
    Subscriber.objects.filter(pk=subscriber.pk).update(paused_until=until)
    subscriber.paused_until = until


def subscriber_unsubscribe(*, subscriber: Subscriber, now=None) -> bool:
    """No more mail to this address; True if it changed anything. The lists are kept, so
    a reader who comes back through their preferences link finds them ticked."""
    now = now or timezone.now()
    changed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(status=SubscriberStatus.UNSUBSCRIBED)
        .update(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=now)
    )
    if changed:
        subscriber.status, subscriber.unsubscribed_at = SubscriberStatus.UNSUBSCRIBED, now
    return bool(changed)


def subscriber_unsubscribe_by_token(*, token: str) -> Subscriber:
    """RFC 8058's one-click POST and the unsubscribe page's button."""
    subscriber = selectors.subscriber_for_token(token, "unsubscribe")
    subscriber_unsubscribe(subscriber=subscriber)
    return subscriber
