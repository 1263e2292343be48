"""The rules of taking a donation: validation, the state machine, talking to the
provider, webhooks, reconciliation and receipts.

Money correctness in four rules:
- The amount and currency are checked here against the site's settings, and at capture
  they come from our own row, compared with what the provider says it captured; nothing
  the browser sends after the start is trusted.
- Every provider call carries a request id derived from the donation's id, so a retry
  (a reload, a second worker, reconcile) gets the same order or capture, never a second.
- Every state change goes through `donation_transition`, under a row lock, and refuses
  moves models.TRANSITIONS does not list (a replayed or late "completed" never
  resurrects a refunded donation).
- A webhook's event id is inserted in the same transaction as the change it causes: a
  replay hits the unique index and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from masthead.donations import selectors
from masthead.donations.models import (
    STATE_TIMESTAMPS,
    TRANSITIONS,
    Donation,
    DonationSettings,
    DonationState,
    WebhookEvent,
)
from masthead.donations.providers import get_provider
from masthead.donations.providers.base import (
    CaptureStatus,
    OrderNotFound,
    OrderState,
    PaymentDeclined,
    PaymentProvider,
    ProviderError,
    ProviderUnavailable,
)

logger = logging.getLogger(__name__)

# A reader who has not approved within this long is not coming back (PayPal voids
# unapproved orders after a few hours too).
ABANDON_AFTER = timedelta(days=1)
# Reconcile leaves younger orders to the reader's own return from PayPal.
RECONCILE_MIN_AGE = timedelta(minutes=2)
# A receipt whose mail failed is sent again by reconcile for this long after completion.
RECEIPT_RETRY_WINDOW = timedelta(days=3)
MAX_NAME, MAX_MESSAGE = 100, 500
# A refund of a donation in one of these has raced ahead of the news of its capture.
MONEY_NOT_YET_RECORDED = (
    DonationState.CREATED,
    DonationState.APPROVED,
    DonationState.DECLINED,
    DonationState.ABANDONED,
)

CAPTURE_TO_STATE = {
    CaptureStatus.COMPLETED: DonationState.COMPLETED,
    CaptureStatus.PENDING: DonationState.PENDING,
    CaptureStatus.DECLINED: DonationState.DECLINED,
    CaptureStatus.REFUNDED: DonationState.REFUNDED,
}


class DonationRefused(Exception):
    """Input we do not take, with a message for the reader and the field it concerns."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


class IllegalTransition(Exception):
    pass


class UnknownOrder(Exception):
    """An order id that is not one of our donations (tampered with, or another site's)."""


class AmountMismatch(ProviderError):
    """The provider captured something other than what our record says."""


# Validation --------------------------------------------------------------------------


def parse_amount(raw: object) -> Decimal:
    """A positive amount with at most two decimal places, or DonationRefused. Refuses
    NaN, infinities, exponents and anything that is not plain digits."""
    text = str(raw or "").strip().replace(",", ".") if not isinstance(raw, Decimal) else str(raw)
    if not text or len(text) > 16 or any(c not in "0123456789." for c in text) or text.count(".") > 1:
        raise DonationRefused("Enter an amount in numbers, such as 25 or 12.50.", "amount")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DonationRefused("Enter an amount in numbers, such as 25 or 12.50.", "amount") from None
    if amount.as_tuple().exponent < -2:
        raise DonationRefused("Use at most two decimal places.", "amount")
    return amount.quantize(Decimal("0.01"))


def validate_donation(*, settings: DonationSettings, amount_raw: object, currency_raw: object) -> tuple[Decimal, str]:
    """The amount and currency if the site takes them (server-side: the slider's bounds
    in the browser are a convenience, not a rule)."""
    rules = selectors.currency_rules(settings)
    currency = str(currency_raw or "").strip().upper()
    if currency not in rules:
        raise DonationRefused("Choose one of the currencies offered.", "currency")
    amount = parse_amount(amount_raw)
    rule = rules[currency]
    if amount < rule.minimum:
        raise DonationRefused(f"The smallest donation is {rule.minimum:,.2f} {currency}.", "amount")
    if amount > rule.maximum:
        raise DonationRefused(f"The largest donation here is {rule.maximum:,.2f} {currency}.", "amount")
    return amount, currency


def _clean_text(value: object, limit: int) -> str:
    text = " ".join(str(value or "").split())
    return "".join(c for c in text if c.isprintable())[:limit]


@dataclass(frozen=True)
class Donor:
    name: str = ""
    email: str = ""
    message: str = ""
    anonymous: bool = False

    @classmethod
    def from_input(cls, *, name: object = "", email: object = "", message: object = "", anonymous: bool = False):
        email_text = str(email or "").strip()[:254]
        if email_text:
            try:
                validate_email(email_text)
            except ValidationError:
                raise DonationRefused(
                    "Enter an email address such as name@example.org, or leave it empty.", "email"
                ) from None
        return cls(_clean_text(name, MAX_NAME), email_text, _clean_text(message, MAX_MESSAGE), bool(anonymous))


# The state machine -------------------------------------------------------------------


def donation_transition(
    *, donation_id: int, to: str, capture_id: str | None = None, now: datetime | None = None
) -> tuple[Donation, bool]:
    """Move a donation to `to`, or say it already is there (changed False). Raises
    IllegalTransition for a move TRANSITIONS does not list. A completion queues the
    receipt after commit."""
    from masthead.donations import tasks

    now = now or timezone.now()
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation_id)
        if donation.state == to:
            if capture_id and not donation.capture_id:
                donation.capture_id = capture_id
                donation.save(update_fields=["capture_id", "updated_at"])
            return donation, False
        if to not in TRANSITIONS[donation.state]:
            raise IllegalTransition(f"donation {donation_id}: {donation.state} → {to} is not allowed")
        donation.state = to
        fields = ["state", "updated_at"]
        if to in STATE_TIMESTAMPS:
            setattr(donation, STATE_TIMESTAMPS[to], now)
            fields.append(STATE_TIMESTAMPS[to])
        if capture_id:
            donation.capture_id = capture_id
            fields.append("capture_id")
        donation.save(update_fields=fields)
        if to == DonationState.COMPLETED and donation.email:
            transaction.on_commit(lambda: tasks.send_receipt.enqueue(donation.pk))
    return donation, True


# Starting and capturing --------------------------------------------------------------


def _absolute(path: str) -> str:
    return django_settings.SITE_URL.rstrip("/") + path


def create_request_id(donation: Donation) -> str:
    return f"masthead-donation-{donation.pk}-create"


def capture_request_id(donation: Donation) -> str:
    # A new id after each decline: PayPal answers a repeated id with its first answer,
    # and a reader who chose another card at PayPal needs a new capture.
    suffix = f"-{int(donation.declined_at.timestamp())}" if donation.declined_at else ""
    return f"masthead-donation-{donation.pk}-capture{suffix}"


def donation_start(
    *,
    site_id: int,
    settings: DonationSettings,
    amount_raw: object,
    currency_raw: object,
    donor: Donor,
    provider: PaymentProvider | None = None,
) -> Donation:
    """Validate, record the donation, and create its order at the provider. The row is
    committed before the provider is called, so the order's reference names a row that
    exists whatever happens next. Raises DonationRefused or ProviderError."""
    amount, currency = validate_donation(settings=settings, amount_raw=amount_raw, currency_raw=currency_raw)
    provider = provider or get_provider()
    donation = Donation.objects.create(
        site_id=site_id,
        amount=amount,
        currency=currency,
        name=donor.name,
        email=donor.email,
        message=donor.message,
        anonymous=donor.anonymous,
        provider=provider.name,
    )
    order = provider.create_order(
        amount=amount,
        currency=currency,
        reference=str(donation.pk),
        description=f"Donation to {settings.site.site_name}"[:127],
        return_url=_absolute(reverse("donations:return")),
        cancel_url=_absolute(reverse("donations:cancel")),
        request_id=create_request_id(donation),
    )
    Donation.objects.filter(pk=donation.pk).update(provider_order_id=order.order_id, approve_url=order.approve_url)
    donation.provider_order_id, donation.approve_url = order.order_id, order.approve_url
    return donation


def donation_for_order(order_id: object) -> Donation:
    order_id = str(order_id or "")
    # Provider order ids are short runs of letters, digits and dashes; anything else (a NUL
    # byte PostgreSQL refuses, say) came from a browser and is not ours.
    if (
        not order_id
        or len(order_id) > 64
        or not order_id.replace("-", "").isascii()
        or not order_id.replace("-", "").isalnum()
    ):
        raise UnknownOrder(order_id)
    donation = Donation.objects.filter(provider_order_id=order_id).first()
    if donation is None:
        raise UnknownOrder(order_id)
    return donation


def _settle(donation: Donation, order: OrderState) -> Donation:
    """Record what the provider says became of the money, after checking it is the
    money we asked for."""
    capture = order.capture
    if capture is None:
        return donation
    if order.reference and order.reference != str(donation.pk):
        raise AmountMismatch(f"order {order.order_id} belongs to reference {order.reference}, not {donation.pk}")
    if capture.amount != donation.amount or capture.currency != donation.currency:
        logger.error(
            "Donation %s: captured %s %s but the donation is %s %s; left for an editor",
            donation.pk,
            capture.amount,
            capture.currency,
            donation.amount,
            donation.currency,
        )
        raise AmountMismatch(
            f"captured {capture.amount} {capture.currency}, expected {donation.amount} {donation.currency}"
        )
    donation, _ = donation_transition(
        donation_id=donation.pk, to=CAPTURE_TO_STATE[capture.status], capture_id=capture.capture_id
    )
    return donation


class Declined(Exception):
    def __init__(self, donation: Donation, retry_url: str):
        super().__init__(retry_url)
        self.donation, self.retry_url = donation, retry_url


def donation_capture(*, order_id: object, provider: PaymentProvider | None = None) -> Donation:
    """The reader is back from approving: capture the order. Safe to repeat (a reload,
    or a webhook that came first). Raises UnknownOrder, Declined (the reader may retry
    at the provider), ProviderUnavailable (reconcile will settle it) or ProviderError."""
    donation = donation_for_order(order_id)
    if donation.state in (DonationState.COMPLETED, DonationState.PENDING, DonationState.REFUNDED):
        return donation
    provider = provider or get_provider()
    if donation.state in (DonationState.CREATED, DonationState.DECLINED):
        try:
            donation, _ = donation_transition(donation_id=donation.pk, to=DonationState.APPROVED)
        except IllegalTransition:
            donation.refresh_from_db()
            return donation
    try:
        order = provider.capture_order(donation.provider_order_id, request_id=capture_request_id(donation))
    except PaymentDeclined as declined:
        donation, _ = donation_transition(donation_id=donation.pk, to=DonationState.DECLINED)
        retry_url = declined.retry_url or donation.approve_url
        if declined.retry_url:
            Donation.objects.filter(pk=donation.pk).update(approve_url=declined.retry_url)
        raise Declined(donation, retry_url) from declined
    except OrderNotFound:
        raise UnknownOrder(str(order_id)) from None
    return _settle(donation, order)


# Webhooks ----------------------------------------------------------------------------


class WebhookRejected(Exception):
    """Not a notification the provider confirms (forged, altered, or not for us)."""


class WebhookTooEarly(Exception):
    """A genuine capture event that matches no donation yet: kept nowhere, so the
    provider's retry (PayPal's, for days) is applied once the donation has caught up."""


def webhook_receive(*, headers, raw_body: bytes, provider: PaymentProvider | None = None) -> str:
    """Verify a notification with the provider and apply it once. Returns what was done.
    Raises WebhookRejected, or WebhookTooEarly or ProviderUnavailable (answer 5xx: the
    provider retries)."""
    provider = provider or get_provider()
    event = provider.verify_webhook(headers=headers, raw_body=raw_body)
    if event is None:
        raise WebhookRejected("the provider did not confirm this notification")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider=provider.name,
                    event_id=event.event_id[:100],
                    event_type=event.event_type[:100],
                    raw=raw_body.decode("utf-8", "replace"),
                )
        except IntegrityError:
            return "duplicate"
        record.outcome = _apply_event(event, record)
        record.save(update_fields=["outcome", "donation"])
    return record.outcome


def _apply_event(event, record: WebhookEvent) -> str:
    if event.status is None:
        # Genuine, but nothing we keep (an order approved, a capture reversed or declined):
        # answered 2xx so PayPal stops, and kept for an editor who wonders. The money ones
        # are logged louder: a reversal (chargeback) is not reflected in the donation.
        level = logging.WARNING if event.event_type.startswith("PAYMENT.") else logging.INFO
        logger.log(level, "Webhook %s (%s) not acted on", event.event_id, event.event_type)
        return f"not acted on: {event.event_type[:100]}"
    donation = None
    if event.capture_id:
        donation = Donation.objects.filter(capture_id=event.capture_id).first()
    if donation is None and event.order_id:
        donation = Donation.objects.filter(provider_order_id=event.order_id).first()
    if donation is None or (event.status == CaptureStatus.REFUNDED and donation.state in MONEY_NOT_YET_RECORDED):
        # Usually a capture whose answer we lost, refunded at PayPal before reconcile or
        # the COMPLETED event recorded it: stored now, the event would answer PayPal's
        # retries "duplicate" and the refund would never be seen. One that will never
        # match (another integration on the same PayPal account) is retried by PayPal
        # for a few days and then dropped; the log says which.
        logger.warning(
            "Webhook %s (%s, capture %s, order %s) matches no donation %s; the provider will send it again",
            event.event_id,
            event.event_type,
            event.capture_id,
            event.order_id or "unknown",
            "yet" if donation is None else f"with money ({donation.pk} is {donation.state})",
        )
        raise WebhookTooEarly(event.event_id)
    record.donation = donation
    if event.status != CaptureStatus.REFUNDED and (
        event.amount != donation.amount or event.currency != donation.currency
    ):
        logger.error(
            "Webhook %s: %s %s for donation %s of %s %s",
            event.event_id,
            event.amount,
            event.currency,
            donation.pk,
            donation.amount,
            donation.currency,
        )
        return "amount mismatch: ignored"
    try:
        _, changed = donation_transition(
            donation_id=donation.pk, to=CAPTURE_TO_STATE[event.status], capture_id=event.capture_id or None
        )
    except IllegalTransition:
        return f"ignored: {donation.state} cannot become {CAPTURE_TO_STATE[event.status]}"
    return f"{'now' if changed else 'already'} {CAPTURE_TO_STATE[event.status]}"


# Reconciliation ----------------------------------------------------------------------


def donations_reconcile(
    *, now: datetime | None = None, min_age: timedelta = RECONCILE_MIN_AGE, provider: PaymentProvider | None = None
) -> dict[str, int]:
    """Settle every donation whose outcome we never recorded: ask the provider for the
    order, capture it if the reader approved, record a capture that happened (the server
    died between the provider's capture and our commit), abandon orders nobody approved
    within a day. Safe to run at any time and in two places at once (request ids)."""
    from masthead.donations import tasks

    now = now or timezone.now()
    provider = provider or get_provider()
    counts = {"completed": 0, "pending": 0, "declined": 0, "abandoned": 0, "unreachable": 0, "receipts": 0}
    # A declined donation is open for a day too: PayPal's answer to a decline is to send
    # the reader back to choose another card, and one who did and then closed the tab
    # left an order approved again that only reconcile will capture.
    unsettled = Q(state__in=[DonationState.CREATED, DonationState.APPROVED, DonationState.PENDING]) | Q(
        state=DonationState.DECLINED, declined_at__gte=now - ABANDON_AFTER
    )
    never_ordered = Donation.objects.filter(
        state=DonationState.CREATED, provider_order_id__isnull=True, created_at__lt=now - timedelta(hours=1)
    )
    for donation in never_ordered:
        _, changed = donation_transition(donation_id=donation.pk, to=DonationState.ABANDONED, now=now)
        counts["abandoned"] += changed
    for donation in Donation.objects.filter(
        unsettled, provider_order_id__isnull=False, created_at__lte=now - min_age
    ).order_by("pk"):
        try:
            outcome = _reconcile_one(donation, provider, now)
        except ProviderUnavailable:
            counts["unreachable"] += 1
            continue
        except (ProviderError, IllegalTransition) as error:
            logger.warning("Reconcile: donation %s left as %s: %s", donation.pk, donation.state, error)
            continue
        if outcome in counts:
            counts[outcome] += 1
    for donation_id in (
        Donation.objects.filter(
            state=DonationState.COMPLETED,
            receipt_sent_at__isnull=True,
            completed_at__gte=now - RECEIPT_RETRY_WINDOW,
            completed_at__lte=now - min_age,
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    ):
        tasks.send_receipt.enqueue(donation_id)
        counts["receipts"] += 1
    return counts


def _reconcile_one(donation: Donation, provider: PaymentProvider, now: datetime) -> str:
    try:
        order = provider.get_order(donation.provider_order_id)
    except OrderNotFound:
        order = None
    if donation.state == DonationState.DECLINED and (order is None or order.status not in ("APPROVED", "COMPLETED")):
        return ""  # the reader has not chosen another card (yet): nothing to capture
    if order is None or order.status == "VOIDED":
        if donation.state == DonationState.PENDING:
            return ""
        donation_transition(donation_id=donation.pk, to=DonationState.ABANDONED, now=now)
        return "abandoned"
    if order.status == "APPROVED" and donation.state != DonationState.PENDING:
        try:
            order = provider.capture_order(order.order_id, request_id=capture_request_id(donation))
        except PaymentDeclined:
            _, changed = donation_transition(donation_id=donation.pk, to=DonationState.DECLINED, now=now)
            return "declined" if changed else ""
    if order.capture is not None:
        before = donation.state
        donation = _settle(donation, order)
        return donation.state if donation.state != before else ""
    # Never approved at the provider a day on. An `approved` row may be one too: a reader's
    # browser (or anyone with the order id) came back before approving, and the capture
    # was refused (ORDER_NOT_APPROVED), which left the row approved and not abandoned.
    if donation.state in (DonationState.CREATED, DonationState.APPROVED) and donation.created_at < now - ABANDON_AFTER:
        donation_transition(donation_id=donation.pk, to=DonationState.ABANDONED, now=now)
        return "abandoned"
    return ""
