"""The local PayPal sandbox as a plain WSGI app (no Django, no Masthead models).

What it answers, in PayPal's request and response shapes:

    POST /v1/oauth2/token                              client_credentials, Basic auth
    POST /v2/checkout/orders                           201; PayPal-Request-Id: same id, same answer
    GET  /v2/checkout/orders/<id>                      200, or 404 RESOURCE_NOT_FOUND
    POST /v2/checkout/orders/<id>/capture              201; 422 ORDER_NOT_APPROVED,
                                                       ORDER_ALREADY_CAPTURED, INSTRUMENT_DECLINED
    POST /v2/payments/captures/<id>/refund             201 (a full refund)
    POST /v1/notifications/verify-webhook-signature    SUCCESS only for a signature it made
    GET  /v1/notifications/webhooks-events[/<id>]      the events it sent
    POST /v1/notifications/webhooks-events/<id>/resend delivers an event again (a replay)
    GET  /checkoutnow?token=<order id>                 the approval page a browser clicks through

State lives in memory behind one lock: a restart forgets every order, token and event,
which is what a demo and a test want. Webhooks are signed with HMAC-SHA256 under a key
made at start-up, over the same message PayPal signs (transmission id|time|webhook
id|CRC32 of the body): only this sandbox can verify them, as only PayPal can verify its
own. Like PayPal, verification is against the exact bytes of the event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any

ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})
# PayPal's currency codes for payments (its REST reference).
CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "HUF",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "TWD",
        "NZD",
        "NOK",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "THB",
        "USD",
    ]
)
TOKEN_LIFETIME_SECONDS = 32_400  # what PayPal gives: nine hours
AUTH_ALGO = "SHA256withRSA"  # the header PayPal sends; the sandbox signs with HMAC (see above)
MAX_BODY_BYTES = 1_000_000
WEBHOOK_RETRY_DELAYS = (0.5, 1, 2, 4)  # PayPal retries for 3 days; the sandbox for a few seconds
SANDBOX_PAYER = {
    "name": {"given_name": "Sandbox", "surname": "Reader"},
    "email_address": "reader@sandbox.example",
    "address": {"country_code": "US"},
}
PENDING_REASON = "PENDING_REVIEW"

# Webhooks go to loopback or a test's own server: never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_ID_ALPHABET = string.ascii_uppercase + string.digits


def _paypal_id(length: int = 17) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Refusal(Exception):
    """An error answer in PayPal's shape."""

    def __init__(self, status: int, name: str, message: str, issue: str = "", description: str = "", **extra):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"name": name, "message": message, "debug_id": secrets.token_hex(7)}
        if issue:
            self.body["details"] = [{"issue": issue, "description": description or message, **extra}]
            self.body["links"] = [
                {
                    "href": f"https://developer.paypal.com/docs/api/orders/v2/#error-{issue}",
                    "rel": "information_link",
                    "method": "GET",
                }
            ]


def _not_found(field_name: str, value: str) -> _Refusal:
    return _Refusal(
        404,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        "INVALID_RESOURCE_ID",
        "Specified resource ID does not exist. Please check the resource ID and try again.",
        field=field_name,
        value=value,
        location="path",
    )


def _unprocessable(issue: str, description: str) -> _Refusal:
    return _Refusal(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
        issue,
        description,
    )


def _invalid(issue: str, description: str, field_name: str = "") -> _Refusal:
    extra = {"field": field_name, "location": "body"} if field_name else {}
    return _Refusal(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        issue,
        description,
        **extra,
    )


@dataclass
class _Order:
    document: dict[str, Any]  # the order as PayPal shows it
    return_url: str
    cancel_url: str
    outcome: str = "pay"  # what the payer chose on the approval page: pay, decline or pending


@dataclass
class Delivery:
    """One webhook sent: what was sent and what the receiver answered (0: unreachable)."""

    event_id: str
    event_type: str
    status: int
    body: bytes = b""


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            document = json.loads(self.body)
        except ValueError as error:
            raise _invalid("MALFORMED_REQUEST_JSON", "The request JSON is not well formed.") from error
        if not isinstance(document, dict):
            raise _invalid("MALFORMED_REQUEST_JSON", "The request JSON is not an object.")
        return document


@dataclass
class SandboxApp:
    """The WSGI app. `base_url` is where it is reached (its links point there);
    `webhook_url` is where it sends webhooks ("" sends none)."""

    client_id: str
    client_secret: str
    webhook_id: str
    base_url: str = "http://127.0.0.1"
    webhook_url: str = ""
    token_lifetime: int = TOKEN_LIFETIME_SECONDS
    clock: Callable[[], float] = time.monotonic
    deliveries: list[Delivery] = field(default_factory=list)
    token_requests: int = 0

    def __post_init__(self):
        self._lock = threading.RLock()
        self._signing_key = secrets.token_bytes(32)
        self._tokens: dict[str, float] = {}
        self._orders: dict[str, _Order] = {}
        self._captures: dict[str, str] = {}  # capture id -> order id
        self._refunds: dict[str, dict[str, Any]] = {}  # capture id -> its refund
        self._answers: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}  # (path, request id) -> answer
        self._failures: list[int] = []
        self._events: dict[str, dict[str, Any]] = {}  # every event the sandbox sent, by id
        self._senders: list[threading.Thread] = []
        self.verifications = 0  # verify-webhook-signature calls answered, for tests

    # Controls for tests and the demo

    def expire_tokens(self) -> None:
        """Every access token given so far stops working (as after nine hours)."""
        with self._lock:
            self._tokens.clear()

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """The next `count` API calls answer `status` (a PayPal outage)."""
        with self._lock:
            self._failures.extend([status] * count)

    def order(self, order_id: str) -> dict[str, Any]:
        """A copy of an order as the API would show it."""
        with self._lock:
            return json.loads(json.dumps(self._order(order_id).document))

    def wait_for_deliveries(self, timeout: float = 15) -> list[Delivery]:
        """Wait until the webhooks sent in the background are delivered or given up."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                running = [sender for sender in self._senders if sender.is_alive()]
                self._senders = running
            if not running or time.monotonic() > deadline:
                return list(self.deliveries)
            running[0].join(max(0.0, deadline - time.monotonic()))

    # WSGI

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = _read_request(environ)
        if request is None:
            status, headers, body = _json_answer(413, {"name": "REQUEST_ENTITY_TOO_LARGE", "message": "Too large."})
        else:
            status, headers, body = self._answer(request)
        start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _answer(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            if request.path == "/checkoutnow":
                return self._checkout_page(request)
            if request.path == "/sandbox.css" and request.method == "GET":
                return 200, [("Content-Type", "text/css; charset=utf-8")], STYLESHEET.encode()
            with self._lock:
                if self._failures:
                    failure = self._failures.pop(0)
                    raise _Refusal(failure, "INTERNAL_SERVER_ERROR", "An internal server error has occurred.")
            if request.path == "/v1/oauth2/token" and request.method == "POST":
                return _json_answer(200, self._issue_token(request))
            self._check_token(request)
            status, document = self._route(request)
            return _json_answer(status, document)
        except _Refusal as refusal:
            return _json_answer(refusal.status, refusal.body)

    def _route(self, request: _Request) -> tuple[int, dict[str, Any]]:
        parts = [part for part in request.path.split("/") if part]
        method = request.method
        if parts == ["v2", "checkout", "orders"] and method == "POST":
            return self._idempotent(request, self._create_order)
        if parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4 and method == "GET":
            return 200, self.order(parts[3])
        if parts[:3] == ["v2", "checkout", "orders"] and parts[4:] == ["capture"] and method == "POST":
            return self._idempotent(request, lambda request: self._capture(parts[3]))
        if parts[:3] == ["v2", "payments", "captures"] and parts[4:] == ["refund"] and method == "POST":
            return self._idempotent(request, lambda request: self._refund(parts[3]))
        if parts == ["v1", "notifications", "webhooks-events"] and method == "GET":
            with self._lock:
                events = [json.loads(json.dumps(event)) for event in reversed(self._events.values())]
            return 200, {"events": events, "count": len(events), "links": []}
        if parts[:3] == ["v1", "notifications", "webhooks-events"] and len(parts) == 4 and method == "GET":
            return 200, self._event(parts[3])
        if parts[:3] == ["v1", "notifications", "webhooks-events"] and parts[4:] == ["resend"] and method == "POST":
            # PayPal's "resend event": the same event, a new transmission (a replay, for the demo).
            event = self._event(parts[3])
            self._send_in_background(event)
            return 202, event
        if parts == ["v1", "notifications", "verify-webhook-signature"] and method == "POST":
            with self._lock:
                self.verifications += 1
            return 200, {"verification_status": "SUCCESS" if self._verify(request.body) else "FAILURE"}
        raise _Refusal(404, "NOT_FOUND", "The specified resource does not exist.")

    # OAuth2

    def _issue_token(self, request: _Request) -> dict[str, Any]:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            given_id, _, given_secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            given_id, given_secret = "", ""
        if not (
            scheme.lower() == "basic"
            and hmac.compare_digest(given_id.encode(), self.client_id.encode())
            and hmac.compare_digest(given_secret.encode(), self.client_secret.encode())
        ):
            raise _OAuthRefusal(401, "invalid_client", "Client Authentication failed")
        if urllib.parse.parse_qs(request.body.decode("latin-1")).get("grant_type") != ["client_credentials"]:
            raise _OAuthRefusal(400, "unsupported_grant_type", "Grant Type is NULL")
        token = "A21AA" + secrets.token_urlsafe(48)
        with self._lock:
            self.token_requests += 1
            self._tokens[token] = self.clock() + self.token_lifetime
        return {
            "scope": "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/webhooks",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-MASTHEADLOCAL",
            "expires_in": self.token_lifetime,
            "nonce": f"{_now()}{secrets.token_urlsafe(16)}",
        }

    def _check_token(self, request: _Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            expires_at = self._tokens.get(token, 0.0) if scheme.lower() == "bearer" else 0.0
            if expires_at and self.clock() >= expires_at:
                del self._tokens[token]
                expires_at = 0.0
        if not expires_at:
            raise _OAuthRefusal(401, "invalid_token", "Token signature verification failed")

    # Orders

    def _idempotent(self, request: _Request, operation: Callable[[_Request], tuple[int, dict]]) -> tuple[int, dict]:
        """A PayPal-Request-Id seen before gets the answer it got then (successful ones
        only: a refused capture may be tried again with the same id once it can work)."""
        request_id = request.headers.get("paypal-request-id", "")
        key = (request.path, request_id)
        with self._lock:
            if request_id and key in self._answers:
                return self._answers[key]
            status, document = operation(request)
            if request_id:
                self._answers[key] = (status, document)
            return status, document

    def _create_order(self, request: _Request) -> tuple[int, dict[str, Any]]:
        body = request.json()
        if body.get("intent") != "CAPTURE":
            raise _invalid("INVALID_PARAMETER_VALUE", "The sandbox supports intent CAPTURE.", "/intent")
        units = body.get("purchase_units")
        if not isinstance(units, list) or len(units) != 1 or not isinstance(units[0], dict):
            raise _invalid("INVALID_ARRAY_MAX_ITEMS", "The sandbox takes one purchase unit.", "/purchase_units")
        unit = units[0]
        amount = unit.get("amount") if isinstance(unit.get("amount"), dict) else {}
        currency, value = str(amount.get("currency_code", "")), str(amount.get("value", ""))
        if currency not in CURRENCIES:
            raise _unprocessable("CURRENCY_NOT_SUPPORTED", "Currency code is not supported.")
        pattern = r"\d{1,10}" if currency in ZERO_DECIMAL_CURRENCIES else r"\d{1,10}(\.\d{2})?"
        if not re.fullmatch(pattern, value):
            raise _unprocessable("DECIMAL_PRECISION", "The value of the amount has too many decimals.")
        if Decimal(value) <= 0:
            raise _unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "Must be greater than zero.")
        source = body.get("payment_source") if isinstance(body.get("payment_source"), dict) else {}
        paypal = source.get("paypal") if isinstance(source.get("paypal"), dict) else None
        context = (paypal or {}).get("experience_context") or body.get("application_context") or {}
        if not isinstance(context, dict):
            context = {}
        order_id = _paypal_id()
        approve_rel = "payer-action" if paypal is not None else "approve"
        document: dict[str, Any] = {
            "id": order_id,
            "intent": "CAPTURE",
            "status": "PAYER_ACTION_REQUIRED" if paypal is not None else "CREATED",
            "purchase_units": [
                {
                    "reference_id": str(unit.get("reference_id") or "default"),
                    **{key: str(unit[key]) for key in ("custom_id", "description", "invoice_id") if unit.get(key)},
                    "amount": {"currency_code": currency, "value": value},
                    "payee": {"email_address": "newsroom@sandbox.example", "merchant_id": "MASTHEADLOCAL"},
                }
            ],
            "create_time": _now(),
            "links": [
                {"href": f"{self.base_url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
                {"href": f"{self.base_url}/checkoutnow?token={order_id}", "rel": approve_rel, "method": "GET"},
            ],
        }
        if paypal is not None:
            document["payment_source"] = {"paypal": {}}
        else:
            document["links"] += [
                {"href": f"{self.base_url}/v2/checkout/orders/{order_id}", "rel": "update", "method": "PATCH"},
                {"href": f"{self.base_url}/v2/checkout/orders/{order_id}/capture", "rel": "capture", "method": "POST"},
            ]
        self._orders[order_id] = _Order(
            document=document,
            return_url=str(context.get("return_url", "")),
            cancel_url=str(context.get("cancel_url", "")),
        )
        if "return=representation" in request.headers.get("prefer", ""):
            return 201, self.order(order_id)
        return 201, {key: document[key] for key in ("id", "status", "links") if key in document}

    def _event(self, event_id: str) -> dict[str, Any]:
        with self._lock:
            event = self._events.get(event_id)
            if event is None:
                raise _not_found("event_id", event_id)
            return json.loads(json.dumps(event))

    def _order(self, order_id: str) -> _Order:
        order = self._orders.get(order_id)
        if order is None:
            raise _not_found("order_id", order_id)
        return order

    def _approve(self, order_id: str, outcome: str) -> _Order:
        with self._lock:
            order = self._order(order_id)
            document = order.document
            if document["status"] not in {"CREATED", "PAYER_ACTION_REQUIRED", "APPROVED"}:
                return order
            payer_id = document.get("payer", {}).get("payer_id") or _paypal_id(13)
            document["status"] = "APPROVED"
            document["payer"] = {**SANDBOX_PAYER, "payer_id": payer_id}
            if "payment_source" in document:
                document["payment_source"] = {
                    "paypal": {
                        "email_address": SANDBOX_PAYER["email_address"],
                        "account_id": payer_id,
                        "account_status": "VERIFIED",
                        "name": SANDBOX_PAYER["name"],
                        "address": SANDBOX_PAYER["address"],
                    }
                }
            document["links"] = [link for link in document["links"] if link["rel"] in {"self", "update", "capture"}]
            if not any(link["rel"] == "capture" for link in document["links"]):
                document["links"].append(
                    {
                        "href": f"{self.base_url}/v2/checkout/orders/{order_id}/capture",
                        "rel": "capture",
                        "method": "POST",
                    }
                )
            order.outcome = outcome
            return order

    def _capture(self, order_id: str) -> tuple[int, dict[str, Any]]:
        order = self._order(order_id)
        document = order.document
        if document["status"] == "COMPLETED":
            raise _unprocessable(
                "ORDER_ALREADY_CAPTURED",
                "Order already captured. If intent=CAPTURE only one capture per order is allowed.",
            )
        if document["status"] != "APPROVED":
            raise _unprocessable(
                "ORDER_NOT_APPROVED",
                "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url.",
            )
        if order.outcome == "decline":
            order.outcome = "pay"  # declined once: a second try (or a re-approval) goes through
            refusal = _unprocessable(
                "INSTRUMENT_DECLINED",
                "The instrument presented was either declined by the processor or bank, or it can't be used for this payment.",
            )
            refusal.body["links"].append(
                {"href": f"{self.base_url}/checkoutnow?token={order_id}", "rel": "redirect", "method": "GET"}
            )
            raise refusal
        unit = document["purchase_units"][0]
        capture_id = _paypal_id()
        pending = order.outcome == "pending"
        capture: dict[str, Any] = {
            "id": capture_id,
            "status": "PENDING" if pending else "COMPLETED",
            "amount": dict(unit["amount"]),
            "final_capture": True,
            "seller_protection": {
                "status": "ELIGIBLE",
                "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
            },
            "links": [
                {"href": f"{self.base_url}/v2/payments/captures/{capture_id}", "rel": "self", "method": "GET"},
                {
                    "href": f"{self.base_url}/v2/payments/captures/{capture_id}/refund",
                    "rel": "refund",
                    "method": "POST",
                },
                {"href": f"{self.base_url}/v2/checkout/orders/{order_id}", "rel": "up", "method": "GET"},
            ],
            "create_time": _now(),
            "update_time": _now(),
        }
        if "custom_id" in unit:
            capture["custom_id"] = unit["custom_id"]
        if pending:
            capture["status_details"] = {"reason": PENDING_REASON}
        else:
            capture["seller_receivable_breakdown"] = _breakdown(unit["amount"])
        unit["payments"] = {"captures": [capture]}
        document["status"] = "COMPLETED"
        document["update_time"] = _now()
        document["links"] = [link for link in document["links"] if link["rel"] == "self"]
        self._captures[capture_id] = order_id
        resource = {**capture, "supplementary_data": {"related_ids": {"order_id": order_id}}}
        self._send_in_background(
            self.make_event("PAYMENT.CAPTURE.PENDING" if pending else "PAYMENT.CAPTURE.COMPLETED", resource)
        )
        return 201, self.order(order_id)

    def _refund(self, capture_id: str) -> tuple[int, dict[str, Any]]:
        order_id = self._captures.get(capture_id)
        if order_id is None:
            raise _not_found("capture_id", capture_id)
        capture = self._orders[order_id].document["purchase_units"][0]["payments"]["captures"][0]
        if capture_id in self._refunds:
            raise _unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.")
        if capture["status"] != "COMPLETED":
            raise _unprocessable("REFUND_NOT_ALLOWED", "Refund is not allowed for this capture.")
        refund_id = _paypal_id()
        refund = {
            "id": refund_id,
            "amount": dict(capture["amount"]),
            "status": "COMPLETED",
            "seller_payable_breakdown": {
                "gross_amount": dict(capture["amount"]),
                "net_amount": dict(capture["amount"]),
                "total_refunded_amount": dict(capture["amount"]),
            },
            "links": [
                {"href": f"{self.base_url}/v2/payments/refunds/{refund_id}", "rel": "self", "method": "GET"},
                {"href": f"{self.base_url}/v2/payments/captures/{capture_id}", "rel": "up", "method": "GET"},
            ],
            "create_time": _now(),
            "update_time": _now(),
        }
        self._refunds[capture_id] = refund
        capture["status"] = "REFUNDED"
        capture["update_time"] = _now()
        self._send_in_background(self.make_event("PAYMENT.CAPTURE.REFUNDED", refund, resource_type="refund"))
        return 201, {key: refund[key] for key in ("id", "status", "links")}

    # Webhooks

    def cert_url(self) -> str:
        return f"{self.base_url}/v1/notifications/certs/CERT-MASTHEAD-LOCAL-SANDBOX"

    def make_event(self, event_type: str, resource: dict[str, Any], *, resource_type: str = "capture") -> dict:
        """A webhook event in PayPal's shape (id, event_type, resource, links, ...)."""
        event_id = f"WH-{_paypal_id()}-{_paypal_id()}"
        amount = resource.get("amount", {})
        return {
            "id": event_id,
            "event_version": "1.0",
            "create_time": _now(),
            "resource_type": resource_type,
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": f"Payment {event_type.rsplit('.', 1)[-1].lower()} for {amount.get('value')} {amount.get('currency_code')}",
            "resource": resource,
            "links": [
                {
                    "href": f"{self.base_url}/v1/notifications/webhooks-events/{event_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{self.base_url}/v1/notifications/webhooks-events/{event_id}/resend",
                    "rel": "resend",
                    "method": "POST",
                },
            ],
        }

    def capture_event(self, order_id: str, event_type: str = "PAYMENT.CAPTURE.COMPLETED") -> dict:
        """An event about a captured order's capture (for replays, out-of-order tests):
        COMPLETED, PENDING or DENIED about the capture, REFUNDED about its refund."""
        with self._lock:
            capture = self.order(order_id)["purchase_units"][0]["payments"]["captures"][0]
            if event_type == "PAYMENT.CAPTURE.REFUNDED":
                refund = self._refunds.get(capture["id"])
                if refund is None:
                    raise ValueError(f"capture {capture['id']} was not refunded")
                return self.make_event(event_type, json.loads(json.dumps(refund)), resource_type="refund")
        capture["status"] = {"PAYMENT.CAPTURE.DENIED": "DECLINED", "PAYMENT.CAPTURE.PENDING": "PENDING"}.get(
            event_type, "COMPLETED"
        )
        return self.make_event(event_type, {**capture, "supplementary_data": {"related_ids": {"order_id": order_id}}})

    def sign(
        self,
        body: bytes,
        *,
        webhook_id: str | None = None,
        transmission_id: str | None = None,
        transmission_time: str | None = None,
    ) -> dict[str, str]:
        """The headers PayPal sends with a webhook, signing `body` for `webhook_id`."""
        transmission_id = transmission_id or str(uuid.uuid4())
        transmission_time = transmission_time or _now()
        signature = self._signature(transmission_id, transmission_time, webhook_id or self.webhook_id, body)
        return {
            "Content-Type": "application/json",
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": transmission_time,
            "PAYPAL-TRANSMISSION-SIG": signature,
            "PAYPAL-CERT-URL": self.cert_url(),
            "PAYPAL-AUTH-ALGO": AUTH_ALGO,
        }

    def _signature(self, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes) -> str:
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
        return base64.b64encode(hmac.new(self._signing_key, message, hashlib.sha256).digest()).decode()

    def send_webhook(
        self, event: dict | bytes, *, url: str = "", headers: dict[str, str] | None = None, timeout: float = 10
    ) -> Delivery:
        """POST `event` (a dict, or exact bytes) to `url` (default: the webhook URL), signed
        unless `headers` are given (to forge or replay a delivery), and wait for the answer."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        parsed = parsed if isinstance(parsed, dict) else {}
        request = urllib.request.Request(  # noqa: S310 (the sandbox's own loopback URL or a test's)
            url or self.webhook_url,
            data=body,
            method="POST",
            headers=headers if headers is not None else self.sign(body),
        )
        try:
            with _DIRECT.open(request, timeout=timeout) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
        except OSError:
            status, answer = 0, b""
        delivery = Delivery(str(parsed.get("id", "")), str(parsed.get("event_type", "")), status, answer)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def _send_in_background(self, event: dict) -> None:
        """Deliver as PayPal does: after the API call answered, from elsewhere, again on failure."""
        with self._lock:
            self._events[event["id"]] = event
        if not self.webhook_url:
            return
        url = self.webhook_url

        def deliver():
            body = json.dumps(event).encode()
            for delay in (0, *WEBHOOK_RETRY_DELAYS):
                time.sleep(delay)
                if 200 <= self.send_webhook(body, url=url).status < 300:
                    return

        sender = threading.Thread(target=deliver, name=f"paypal-sandbox-webhook-{event['id']}", daemon=True)
        with self._lock:
            self._senders.append(sender)
        sender.start()

    def _verify(self, raw: bytes) -> bool:
        fields = _top_level_spans(raw)
        if fields is None or "webhook_event" not in fields:
            raise _invalid("MISSING_REQUIRED_PARAMETER", "webhook_event is required.", "/webhook_event")
        values = {}
        for name in ("auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"):
            start, end = fields.get(name, (0, 0))
            value = json.loads(raw[start:end]) if end else None
            if not isinstance(value, str) or not value:
                raise _invalid("MISSING_REQUIRED_PARAMETER", f"{name} is required.", f"/{name}")
            values[name] = value
        start, end = fields["webhook_event"]
        expected = self._signature(
            values["transmission_id"], values["transmission_time"], values["webhook_id"], raw[start:end]
        )
        return (
            values["webhook_id"] == self.webhook_id
            and values["auth_algo"] == AUTH_ALGO
            and values["cert_url"] == self.cert_url()
            and hmac.compare_digest(expected.encode(), values["transmission_sig"].encode())
        )

    # The approval page

    def _checkout_page(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        token = request.query.get("token", "") if request.method == "GET" else _form(request.body).get("token", "")
        with self._lock:
            order = self._orders.get(token)
            document = json.loads(json.dumps(order.document)) if order else None
        if order is None or document is None:
            return _html_answer(404, _page("Unknown payment", "<p>This sandbox knows no payment with that token.</p>"))
        if request.method == "POST":
            choice = _form(request.body).get("choice", "")
            if choice == "cancel":
                return (
                    _redirect(_with_query(order.cancel_url, token=token))
                    if order.cancel_url
                    else _html_answer(
                        200, _page("Payment cancelled", "<p>You cancelled this payment. You can close this window.</p>")
                    )
                )
            if choice in {"pay", "decline", "pending"}:
                approved = self._approve(token, choice)
                payer_id = approved.document.get("payer", {}).get("payer_id", "")
                if order.return_url:
                    return _redirect(_with_query(order.return_url, token=token, PayerID=payer_id))
                return _html_answer(200, _page("Payment approved", "<p>Approved. You can close this window.</p>"))
            return _html_answer(400, _page("Choose an action", "<p>Please choose one of the buttons.</p>"))
        if request.method != "GET":
            return _html_answer(405, _page("Not allowed", "<p>Use the buttons on the approval page.</p>"))
        return _html_answer(200, _approval_page(document))


class _OAuthRefusal(_Refusal):
    """OAuth's own error shape: {"error": ..., "error_description": ...}."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(status, error, description)
        self.body = {"error": error, "error_description": description}


def _breakdown(amount: dict[str, str]) -> dict[str, Any]:
    places = Decimal(1) if amount["currency_code"] in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    gross = Decimal(amount["value"])
    fixed = Decimal(0) if places == 1 else Decimal("0.49")
    fee = min((gross * Decimal("0.0349") + fixed).quantize(places), gross)
    currency = amount["currency_code"]
    return {
        "gross_amount": {"currency_code": currency, "value": str(gross)},
        "paypal_fee": {"currency_code": currency, "value": str(fee)},
        "net_amount": {"currency_code": currency, "value": str(gross - fee)},
    }


def _top_level_spans(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """Where each top-level field's value lies in a JSON object's bytes, so a value can
    be checked byte for byte as sent. None if `raw` is not one JSON object."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\n\r]*")

    def skip(index: int) -> int:
        return whitespace.match(text, index).end()

    spans: dict[str, tuple[int, int]] = {}
    try:
        index = skip(0)
        if text[index] != "{":
            return None
        index = skip(index + 1)
        if text[index] == "}":
            return spans if not text[skip(index + 1) :] else None
        while True:
            key, index = decoder.raw_decode(text, index)
            index = skip(index)
            if not isinstance(key, str) or text[index] != ":":
                return None
            start = skip(index + 1)
            _, end = decoder.raw_decode(text, start)
            # Character offsets become byte offsets for the slice of the raw bytes.
            spans[key] = (len(text[:start].encode()), len(text[:end].encode()))
            index = skip(end)
            if text[index] == "}":
                return spans if not text[skip(index + 1) :] else None
            if text[index] != ",":
                return None
            index = skip(index + 1)
    except (ValueError, IndexError):
        return None


def _read_request(environ: dict) -> _Request | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    query = {key: values[0] for key, values in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
    return _Request(environ.get("REQUEST_METHOD", "GET").upper(), environ.get("PATH_INFO", "/"), query, headers, body)


def _form(body: bytes) -> dict[str, str]:
    return {key: values[0] for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode([*urllib.parse.parse_qsl(parts.query), *params.items()])
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _json_answer(status: int, document: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [("Content-Type", "application/json"), ("Paypal-Debug-Id", secrets.token_hex(7))]
    return status, headers, json.dumps(document).encode()


# The approval page: its own stylesheet, no script, nothing inline (a strict CSP says so).
PAGE_SECURITY_POLICY = "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'"


def _html_answer(status: int, page: str) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Security-Policy", PAGE_SECURITY_POLICY),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return status, headers, page.encode()


def _redirect(url: str) -> tuple[int, list[tuple[str, str]], bytes]:
    return 303, [("Location", url), ("Cache-Control", "no-store")], b""


def _page(title: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(title)} · Masthead's local PayPal sandbox</title>
<link rel="stylesheet" href="/sandbox.css">
</head>
<body>
<header><p class="sandbox">Masthead's local PayPal sandbox: demo payments, no money moves. This is not PayPal.</p></header>
<main>
<h1>{html.escape(title)}</h1>
{content}
</main>
</body>
</html>
"""


def _approval_page(document: dict[str, Any]) -> str:
    unit = document["purchase_units"][0]
    amount = f"{unit['amount']['value']} {unit['amount']['currency_code']}"
    description = html.escape(unit.get("description", ""))
    token = html.escape(document["id"])
    if document["status"] == "COMPLETED":
        return _page("Payment already made", f"<p>This payment of {html.escape(amount)} is complete.</p>")
    return _page(
        f"Pay {amount}",
        f"""<dl>
<dt>Amount</dt><dd class="amount">{html.escape(amount)}</dd>
{f"<dt>For</dt><dd>{description}</dd>" if description else ""}
<dt>Payment</dt><dd>{token}</dd>
</dl>
<form method="post" action="/checkoutnow">
<input type="hidden" name="token" value="{token}">
<p>Pick what the sandbox should do when the site captures this payment:</p>
<div class="choices">
<button type="submit" name="choice" value="pay" class="primary">Pay</button>
<button type="submit" name="choice" value="decline">Pay — card declined</button>
<button type="submit" name="choice" value="pending">Pay — payment pending</button>
<button type="submit" name="choice" value="cancel" class="quiet">Cancel</button>
</div>
</form>""",
    )


STYLESHEET = """:root { color-scheme: light dark; --ink: #1a1a1a; --paper: #fff; --accent: #0b4f9c; --note: #fff4d6; }
@media (prefers-color-scheme: dark) { :root { --ink: #eee; --paper: #151515; --accent: #8cc0ff; --note: #3a3000; } }
* { box-sizing: border-box; }
body { margin: 0; font: 1.05rem/1.5 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
header { background: var(--note); padding: .75rem 1rem; border-bottom: 2px solid var(--accent); }
.sandbox { margin: 0; font-weight: 600; }
main { max-width: 34rem; margin: 0 auto; padding: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
.amount { font-size: 1.4rem; font-weight: 700; }
.choices { display: flex; flex-direction: column; gap: .6rem; }
button { font: inherit; padding: .7rem 1rem; min-height: 44px; border-radius: .4rem; cursor: pointer;
  border: 2px solid var(--accent); background: var(--paper); color: var(--ink); }
button.primary { background: var(--accent); color: var(--paper); }
button.quiet { border-style: dashed; }
button:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; }
"""
