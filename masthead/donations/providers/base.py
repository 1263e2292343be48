"""The one small interface every payment provider implements (issue 11).

Donations (models, services, views) talk to a provider only through this module, so a
second provider (Stripe, say) is a new module here and nothing else changes. A provider
speaks HTTP to its service and knows no models; it takes and returns the plain values
below. PayPal (`providers/paypal.py`) is the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class CaptureStatus(StrEnum):
    """What became of the money, in the provider's words mapped onto ours."""

    COMPLETED = "completed"
    PENDING = "pending"  # e.g. an eCheck or a review at PayPal: the money may still come
    DECLINED = "declined"  # the payer's instrument was refused at capture
    REFUNDED = "refunded"


@dataclass(frozen=True)
class CreatedOrder:
    order_id: str
    approve_url: str  # where the reader's browser goes to approve the payment


@dataclass(frozen=True)
class Capture:
    capture_id: str
    status: CaptureStatus
    amount: Decimal
    currency: str  # ISO 4217, upper case


@dataclass(frozen=True)
class OrderState:
    """An order as the provider knows it now (from a get or a capture)."""

    order_id: str
    status: str  # the provider's own word: CREATED, APPROVED, COMPLETED, VOIDED, ...
    amount: Decimal
    currency: str
    reference: str  # what we passed as `reference` at creation (our donation's id)
    capture: Capture | None = None
    payer_email: str = ""
    payer_name: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    """A notification the provider confirmed it sent. `status` is None for one that is
    not about a capture we act on (an order approved, a capture reversed): it is still
    genuine, so it is answered like the rest and the provider does not send it again."""

    event_id: str  # unique per event: the key for de-duplication
    event_type: str  # e.g. PAYMENT.CAPTURE.COMPLETED
    capture_id: str
    order_id: str  # the order the capture belongs to ("" if the event does not say)
    status: CaptureStatus | None
    amount: Decimal
    currency: str
    raw: Mapping = field(default_factory=dict, compare=False)


class ProviderError(Exception):
    """The provider refused the request for a reason that will not change on a retry."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or answered 5xx: try again later (reconcile will)."""


class PaymentDeclined(ProviderError):
    """The payer's instrument was refused (PayPal: INSTRUMENT_DECLINED): they may try again
    with another one at the provider."""

    def __init__(self, issue: str, retry_url: str = ""):
        super().__init__(issue)
        self.issue = issue
        self.retry_url = retry_url


class OrderNotFound(ProviderError):
    """The order id is unknown to the provider (tampered with, or from another account)."""


class PaymentProvider(Protocol):
    name: str  # "paypal"

    def is_configured(self) -> bool:
        """Whether credentials are set (the admin shows this, never the secret)."""

    def create_order(
        self,
        *,
        amount: Decimal,
        currency: str,
        reference: str,
        description: str,
        return_url: str,
        cancel_url: str,
        request_id: str,
    ) -> CreatedOrder:
        """Create an order for exactly `amount` `currency`. `request_id` makes a retry of
        the same creation return the same order (PayPal-Request-Id)."""

    def get_order(self, order_id: str) -> OrderState: ...

    def capture_order(self, order_id: str, *, request_id: str) -> OrderState:
        """Capture an approved order. Idempotent on `request_id`; raises PaymentDeclined,
        OrderNotFound, ProviderUnavailable or ProviderError."""

    def refund_capture(self, capture_id: str, *, request_id: str) -> CaptureStatus: ...

    def verify_webhook(self, *, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        """The event if the provider confirms it sent exactly these bytes (whatever it is
        about), else None (a forged or altered notification changes nothing)."""
