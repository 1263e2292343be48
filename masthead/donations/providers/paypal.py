"""PayPal over its REST API: Orders v2, Payments v2 refunds, webhook verification.

The gateway of issue 11: it speaks HTTP to `api_base` (PayPal, PayPal's sandbox, or
Masthead's local sandbox) and knows no models. The standard library's HTTP client, not
PayPal's SDKs: see docs/decisions/0013-paypal-client.md.

Errors map onto base.py's: 422 INSTRUMENT_DECLINED is PaymentDeclined (with the URL where
the payer picks another instrument); an unknown order is OrderNotFound; a network error,
a timeout, a 429 or a 5xx is ProviderUnavailable (try again later); any other refusal is
ProviderError. A capture of an order already captured returns the order as it stands, so
a capture retried after a crash is harmless.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import (
    Capture,
    CaptureStatus,
    CreatedOrder,
    OrderNotFound,
    OrderState,
    PaymentDeclined,
    ProviderError,
    ProviderUnavailable,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

# PayPal takes no decimals for these (its currency codes reference); two for the rest it supports.
ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})
# A cached token is dropped this long before PayPal says it expires (clock skew, slow calls).
TOKEN_EXPIRY_MARGIN_SECONDS = 60
DEFAULT_TIMEOUT_SECONDS = 8
PAYPAL_ID = re.compile(r"[A-Za-z0-9-]{1,64}", re.ASCII)

CAPTURE_STATUSES = {
    "COMPLETED": CaptureStatus.COMPLETED,
    "PENDING": CaptureStatus.PENDING,
    "DECLINED": CaptureStatus.DECLINED,
    "FAILED": CaptureStatus.DECLINED,
    "REFUNDED": CaptureStatus.REFUNDED,
    "PARTIALLY_REFUNDED": CaptureStatus.REFUNDED,
}
WEBHOOK_STATUSES = {
    "PAYMENT.CAPTURE.COMPLETED": CaptureStatus.COMPLETED,
    "PAYMENT.CAPTURE.PENDING": CaptureStatus.PENDING,
    "PAYMENT.CAPTURE.DENIED": CaptureStatus.DECLINED,
    "PAYMENT.CAPTURE.REFUNDED": CaptureStatus.REFUNDED,
}
# The headers PayPal signs a webhook with, and the fields its verify call takes them as.
WEBHOOK_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}


class PayPalError(ProviderError):
    """A refusal from PayPal, with its words for it (for logs; never shown to readers)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        name: str = "",
        issue: str = "",
        debug_id: str = "",
        redirect_url: str = "",
    ):
        super().__init__(message)
        self.status = status
        self.name = name
        self.issue = issue
        self.debug_id = debug_id
        self.redirect_url = redirect_url  # where PayPal says the payer can try again, if it says

    @property
    def is_unknown_resource(self) -> bool:
        return (self.status == 404 and self.name == "RESOURCE_NOT_FOUND") or self.issue == "INVALID_RESOURCE_ID"


class _TokenCache:
    """Access tokens shared by every PayPalProvider in the process, one per account and
    API base: get_provider() builds a provider per request, the token lives ~9 hours."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}

    def get(self, key: tuple[str, str, str], now: float) -> str | None:
        with self._lock:
            token, expires_at = self._tokens.get(key, ("", 0.0))
        return token if token and now < expires_at else None

    def put(self, key: tuple[str, str, str], token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def drop(self, key: tuple[str, str, str], token: str) -> None:
        with self._lock:
            if self._tokens.get(key, ("",))[0] == token:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = _TokenCache()


class PayPalProvider:
    name = "paypal"

    def __init__(
        self,
        *,
        api_base: str,
        client_id: str,
        client_secret: str,
        webhook_id: str = "",
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        sandbox_local: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.api_base = api_base.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.webhook_id = webhook_id
        self.timeout = timeout
        self.sandbox_local = sandbox_local  # Masthead's local sandbox: demo payments, no money moves
        self._clock = clock

    @classmethod
    def from_settings(cls) -> PayPalProvider:
        from django.conf import settings

        return cls(
            api_base=settings.PAYPAL_API_BASE,
            client_id=settings.PAYPAL_CLIENT_ID,
            client_secret=settings.PAYPAL_CLIENT_SECRET,
            webhook_id=settings.PAYPAL_WEBHOOK_ID,
            timeout=settings.PAYPAL_TIMEOUT_SECONDS,
            sandbox_local=settings.PAYPAL_SANDBOX_LOCAL,
        )

    def is_configured(self) -> bool:
        return bool(self.client_id and self._client_secret)

    # Orders

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
        currency = currency.upper()
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": reference[:256],
                    "custom_id": reference[:127],
                    "description": description[:127],
                    "amount": {"currency_code": currency, "value": format_amount(amount, currency)},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": return_url,
                        "cancel_url": cancel_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        order = self._call("POST", "/v2/checkout/orders", body=body, request_id=request_id)
        approve_url = _link(order, "payer-action") or _link(order, "approve")
        if not order.get("id") or not approve_url:
            raise PayPalError("PayPal created an order without an id or an approval link", status=201)
        return CreatedOrder(order_id=order["id"], approve_url=approve_url)

    def get_order(self, order_id: str) -> OrderState:
        return _order_state(self._call("GET", f"/v2/checkout/orders/{_path_id(order_id)}", not_found=OrderNotFound))

    def capture_order(self, order_id: str, *, request_id: str) -> OrderState:
        path = f"/v2/checkout/orders/{_path_id(order_id)}"
        try:
            order = self._call("POST", f"{path}/capture", body={}, request_id=request_id, not_found=OrderNotFound)
        except PayPalError as error:
            if error.issue == "ORDER_ALREADY_CAPTURED":
                return self.get_order(order_id)
            if error.issue == "INSTRUMENT_DECLINED":
                raise PaymentDeclined(error.issue, retry_url=self._retry_url(order_id, error)) from error
            raise
        state = _order_state(order)
        if not state.amount or not state.reference:  # PayPal answered with its minimal representation
            return self.get_order(order_id)
        return state

    def _retry_url(self, order_id: str, error: PayPalError) -> str:
        if error.redirect_url:
            return error.redirect_url
        try:
            order = self._call("GET", f"/v2/checkout/orders/{_path_id(order_id)}", not_found=OrderNotFound)
        except ProviderError:
            return ""
        return _link(order, "payer-action") or _link(order, "approve")

    def refund_capture(self, capture_id: str, *, request_id: str) -> CaptureStatus:
        try:
            refund = self._call(
                "POST",
                f"/v2/payments/captures/{_path_id(capture_id)}/refund",
                body={},
                request_id=request_id,
                not_found=OrderNotFound,
            )
        except PayPalError as error:
            if error.issue == "CAPTURE_FULLY_REFUNDED":
                return CaptureStatus.REFUNDED
            raise
        status = refund.get("status", "")
        if status == "COMPLETED":
            return CaptureStatus.REFUNDED
        if status == "PENDING":
            return CaptureStatus.PENDING
        raise PayPalError(f"PayPal answered the refund with status {status or 'none'}", status=201, issue=status)

    # Webhooks

    def verify_webhook(self, *, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        """The event in `raw_body` if PayPal confirms it sent exactly these bytes, with
        `status` None unless it is a capture event we act on.

        None for anything PayPal does not confirm (the caller refuses it). A verified
        event is never None: PayPal sends again whatever is not answered 2xx, so one we
        do not act on must still be told apart from a forgery. Raises ProviderUnavailable
        when PayPal cannot be asked, so the caller answers 5xx and PayPal delivers the
        event again later.
        """
        if not self.webhook_id:
            return None
        signed = _signature_headers(headers)
        if signed is None:
            return None
        try:
            event = json.loads(raw_body.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(event, dict):
            return None
        # PayPal checks its signature against the bytes it sent, so the event goes back
        # verbatim: json.dumps of the parsed event would reorder or respace it, and PayPal
        # would answer FAILURE (paypal/PayPal-Python-SDK#196). The bytes parsed above as
        # one JSON object, so splicing them in cannot add fields to the request.
        fields = json.dumps({**signed, "webhook_id": self.webhook_id})
        body = fields[:-1].encode() + b', "webhook_event": ' + raw_body + b"}"
        try:
            answer = self._call("POST", "/v1/notifications/verify-webhook-signature", raw_body=body)
        except PayPalError as error:
            if error.status in {401, 403}:
                raise  # our credentials, not the event: the caller answers 5xx and PayPal retries
            return None  # PayPal refused to check what was sent (a malformed forgery, say)
        if answer.get("verification_status") != "SUCCESS":
            return None
        return parse_event(event)

    # HTTP

    @property
    def _token_key(self) -> tuple[str, str, str]:
        # The secret's digest too: a wrong secret must not borrow a token the right one got.
        return (self.api_base, self.client_id, hashlib.sha256(self._client_secret.encode()).hexdigest())

    def _token(self, *, fresh: bool = False) -> str:
        key = self._token_key
        now = self._clock()
        cached = None if fresh else TOKENS.get(key, now)
        if cached:
            return cached
        credentials = base64.b64encode(f"{self.client_id}:{self._client_secret}".encode()).decode()
        answer = self._send(
            "POST",
            "/v1/oauth2/token",
            data=b"grant_type=client_credentials",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise PayPalError("PayPal's token answer has no access_token")
        try:
            lifetime = float(answer.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        TOKENS.put(key, token, now + max(0.0, lifetime - min(TOKEN_EXPIRY_MARGIN_SECONDS, lifetime / 2)))
        return token

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        raw_body: bytes | None = None,
        request_id: str = "",
        not_found: type[ProviderError] = PayPalError,
    ) -> dict[str, Any]:
        if not self.is_configured():
            raise ProviderUnavailable("PayPal is not configured")
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": "application/json", "Prefer": "return=representation"}
        if request_id:
            headers["PayPal-Request-Id"] = request_id
        for attempt in range(2):
            token = self._token(fresh=attempt > 0)
            try:
                return self._send(method, path, data=data, headers={**headers, "Authorization": f"Bearer {token}"})
            except PayPalError as error:
                if error.status == 401 and attempt == 0:
                    # The token expired early or was revoked: once more with a new one.
                    TOKENS.drop(self._token_key, token)
                    continue
                if not_found is not PayPalError and error.is_unknown_resource:
                    raise not_found(str(error)) from error
                raise
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, *, data: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 (api_base is http(s), checked by env.py)
            self.api_base + path, data=data, method=method, headers={"Accept": "application/json", **headers}
        )
        try:
            with _opener(self.api_base).open(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            failure = _error_from(error)
            logger.warning("PayPal %s %s: %s", method, path, failure)
            raise failure from error
        except (OSError, urllib.error.URLError) as error:  # refused, reset, DNS, TLS, timeout
            logger.warning("PayPal %s %s: could not be reached: %s", method, path, error)
            raise ProviderUnavailable(f"PayPal could not be reached: {error}") from error
        if not payload:
            return {}
        try:
            answer = json.loads(payload)
        except ValueError as error:
            raise ProviderUnavailable("PayPal answered with something that is not JSON") from error
        if not isinstance(answer, dict):
            raise ProviderUnavailable("PayPal answered with JSON that is not an object")
        return answer


# A local sandbox is reached directly even where HTTPS_PROXY (honoured for PayPal) is set.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _opener(api_base: str):
    if urllib.parse.urlsplit(api_base).hostname in _LOOPBACK_HOSTS:
        return _DIRECT
    return urllib.request.build_opener()


def _error_from(error: urllib.error.HTTPError) -> ProviderError:
    status = error.code
    try:
        body = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    if status >= 500 or status == 429:
        return ProviderUnavailable(
            f"PayPal answered {status} ({body.get('name', '')}, debug id {body.get('debug_id', '')})"
        )
    name = str(body.get("name") or body.get("error") or "")
    details = body.get("details") if isinstance(body.get("details"), list) else []
    issue = next((str(d.get("issue")) for d in details if isinstance(d, dict) and d.get("issue")), "")
    description = body.get("message") or body.get("error_description") or ""
    return PayPalError(
        f"PayPal answered {status} {name} {issue}: {description}".strip(),
        status=status,
        name=name,
        issue=issue or name,
        debug_id=str(body.get("debug_id", "")),
        redirect_url=_link(body, "redirect"),
    )


def format_amount(amount: Decimal, currency: str) -> str:
    """PayPal's `value`: a decimal string with the currency's number of decimals. An
    amount finer than the currency allows is refused, never rounded."""
    places = Decimal(1) if currency.upper() in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    try:
        exact = Decimal(amount)
        value = exact.quantize(places)
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    if value != exact or value <= 0:
        raise ValueError(f"{amount} {currency} is not a positive amount in whole {places} {currency}")
    return str(value)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _path_id(identifier: str) -> str:
    """An order or capture id for a URL path. PayPal's ids are short runs of letters and
    digits: anything else (a tampered id from a browser) is unknown without asking."""
    if not isinstance(identifier, str) or not PAYPAL_ID.fullmatch(identifier):
        raise OrderNotFound(f"not a PayPal id: {identifier!r}")
    return identifier


def _link(document: Mapping, rel: str) -> str:
    links = document.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == rel and isinstance(link.get("href"), str):
            return link["href"]
    return ""


def _signature_headers(headers: Mapping[str, str]) -> dict[str, str] | None:
    """The verify call's fields from the webhook's headers (any case; Django's META names too)."""
    lowered = {}
    for name, value in headers.items():
        key = name.lower().replace("_", "-")
        lowered[key.removeprefix("http-")] = value
    fields = {field: str(lowered.get(header, "")).strip() for field, header in WEBHOOK_HEADERS.items()}
    return fields if all(fields.values()) else None


def _money(document: Mapping) -> tuple[Decimal, str]:
    amount = document.get("amount") if isinstance(document.get("amount"), dict) else {}
    try:
        value = Decimal(str(amount.get("value", "0")))
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite():
        value = Decimal(0)
    return value, str(amount.get("currency_code", "")).upper()


def _order_state(order: Mapping) -> OrderState:
    units = order.get("purchase_units") if isinstance(order.get("purchase_units"), list) else []
    unit = units[0] if units and isinstance(units[0], dict) else {}
    amount, currency = _money(unit)
    captures = (unit.get("payments") or {}).get("captures") if isinstance(unit.get("payments"), dict) else None
    capture = None
    if isinstance(captures, list) and captures and isinstance(captures[-1], dict):
        latest = captures[-1]
        capture_amount, capture_currency = _money(latest)
        capture = Capture(
            capture_id=str(latest.get("id", "")),
            status=CAPTURE_STATUSES.get(str(latest.get("status", "")), CaptureStatus.PENDING),
            amount=capture_amount,
            currency=capture_currency,
        )
        if not amount:
            amount, currency = capture_amount, capture_currency
    payer = order.get("payer") if isinstance(order.get("payer"), dict) else {}
    name = payer.get("name") if isinstance(payer.get("name"), dict) else {}
    return OrderState(
        order_id=str(order.get("id", "")),
        status=str(order.get("status", "")),
        amount=amount,
        currency=currency,
        reference=str(unit.get("reference_id") or unit.get("custom_id") or ""),
        capture=capture,
        payer_email=str(payer.get("email_address", "")),
        payer_name=" ".join(str(part) for part in (name.get("given_name"), name.get("surname")) if part),
    )


def parse_event(event: Mapping) -> WebhookEvent:
    """A WebhookEvent from a verified event: with its status for the PAYMENT.CAPTURE.*
    events WEBHOOK_STATUSES lists, with status None for any other (or one without the
    capture it is about)."""
    event_type = str(event.get("event_type", ""))
    event_id = str(event.get("id") or "")
    status = WEBHOOK_STATUSES.get(event_type)
    resource = event.get("resource")
    if status is None or not isinstance(resource, dict) or not event_id:
        return _not_acted_on(event, event_id, event_type)
    amount, currency = _money(resource)
    supplementary = resource.get("supplementary_data") if isinstance(resource.get("supplementary_data"), dict) else {}
    related = supplementary.get("related_ids") if isinstance(supplementary.get("related_ids"), dict) else {}
    order_id = str(related.get("order_id", ""))
    if event_type == "PAYMENT.CAPTURE.REFUNDED":
        # The resource is the refund; its `up` link leads to the capture it refunds.
        capture_id = _link(resource, "up").rstrip("/").rsplit("/", 1)[-1]
    else:
        capture_id = str(resource.get("id", ""))
    if not capture_id:
        return _not_acted_on(event, event_id, event_type)
    return WebhookEvent(
        event_id=event_id,
        event_type=event_type,
        capture_id=capture_id,
        order_id=order_id,
        status=status,
        amount=amount,
        currency=currency,
        raw=dict(event),
    )


def _not_acted_on(event: Mapping, event_id: str, event_type: str) -> WebhookEvent:
    return WebhookEvent(
        event_id=event_id,
        event_type=event_type,
        capture_id="",
        order_id="",
        status=None,
        amount=Decimal(0),
        currency="",
        raw=dict(event),
    )
