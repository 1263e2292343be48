"""The local PayPal sandbox answers in PayPal's documented shapes (Orders v2, Payments v2,
OAuth2, webhooks), over real HTTP on loopback.

The shapes checked here follow PayPal's reference: an order has id, intent, status,
purchase_units[].amount{currency_code,value}, create_time and HATEOAS links; an error
has name, message, debug_id, details[].issue and links; a webhook event has id,
event_version, create_time, resource_type, resource_version, event_type, summary,
resource and links.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from masthead.paypal_sandbox.app import _top_level_spans
from masthead.paypal_sandbox.server import LocalSandbox
from masthead.paypal_sandbox.tests.browsing import approve, read_form, request

ORDER_BODY = {
    "intent": "CAPTURE",
    "purchase_units": [
        {"reference_id": "donation-7", "custom_id": "donation-7", "amount": {"currency_code": "EUR", "value": "10.00"}}
    ],
    "payment_source": {
        "paypal": {
            "experience_context": {
                "return_url": "http://news.test/return/",
                "cancel_url": "http://news.test/cancel/",
            }
        }
    },
}


@pytest.fixture
def sandbox():
    with LocalSandbox() as running:
        yield running
        running.wait_for_deliveries()


def token_for(sandbox) -> str:
    credentials = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    status, _, body = request(
        f"{sandbox.base_url}/v1/oauth2/token",
        "POST",
        b"grant_type=client_credentials",
        {"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    return json.loads(body)["access_token"]


def call(sandbox, method, path, body=None, *, token=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = {"Authorization": f"Bearer {token or token_for(sandbox)}", "Content-Type": "application/json"}
    status, answer_headers, answer = request(
        f"{sandbox.base_url}{path}", method, data, {**all_headers, **(headers or {})}
    )
    return status, json.loads(answer) if answer else {}, answer_headers


def created_order(sandbox, token, **headers) -> dict:
    status, order, _ = call(sandbox, "POST", "/v2/checkout/orders", ORDER_BODY, token=token, headers=headers)
    assert status == 201
    return order


def rels(document) -> dict[str, str]:
    return {link["rel"]: link["method"] for link in document["links"]}


def assert_paypal_error(document, name, issue=None):
    assert document["name"] == name
    assert isinstance(document["message"], str) and document["message"]
    assert isinstance(document["debug_id"], str) and document["debug_id"]
    if issue:
        assert document["details"][0]["issue"] == issue
        assert document["details"][0]["description"]
        assert {"href", "rel", "method"} <= set(document["links"][0])


# OAuth2


def test_the_token_endpoint_answers_like_paypal(sandbox):
    credentials = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    status, _, body = request(
        f"{sandbox.base_url}/v1/oauth2/token",
        "POST",
        b"grant_type=client_credentials",
        {"Authorization": f"Basic {credentials}"},
    )
    token = json.loads(body)
    assert status == 200
    assert set(token) == {"scope", "access_token", "token_type", "app_id", "expires_in", "nonce"}
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 32_400


@pytest.mark.parametrize(
    "authorization",
    ["", "Basic !!!", "Basic " + base64.b64encode(b"masthead-local-sandbox:wrong").decode(), "Bearer x"],
)
def test_the_token_endpoint_refuses_other_credentials(sandbox, authorization):
    status, _, body = request(
        f"{sandbox.base_url}/v1/oauth2/token",
        "POST",
        b"grant_type=client_credentials",
        {"Authorization": authorization},
    )
    assert status == 401
    assert json.loads(body) == {"error": "invalid_client", "error_description": "Client Authentication failed"}


@pytest.mark.parametrize("token", ["", "A21AAnot-a-token"])
def test_the_api_refuses_a_missing_or_unknown_token(sandbox, token):
    status, _, body = request(f"{sandbox.base_url}/v2/checkout/orders/X", headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert json.loads(body)["error"] == "invalid_token"


# Orders


def test_create_answers_the_minimal_representation_with_a_payer_action_link(sandbox):
    order = created_order(sandbox, token_for(sandbox))
    assert set(order) == {"id", "status", "links"}
    assert order["status"] == "PAYER_ACTION_REQUIRED"
    assert rels(order) == {"self": "GET", "payer-action": "GET"}
    assert order["links"][1]["href"] == f"{sandbox.base_url}/checkoutnow?token={order['id']}"


def test_create_with_prefer_representation_answers_the_whole_order(sandbox):
    order = created_order(sandbox, token_for(sandbox), Prefer="return=representation")
    assert {"id", "intent", "status", "purchase_units", "create_time", "links", "payment_source"} <= set(order)
    unit = order["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "EUR", "value": "10.00"}
    assert (unit["reference_id"], unit["custom_id"]) == ("donation-7", "donation-7")
    assert order["create_time"].endswith("Z")


def test_create_with_the_older_application_context_gives_an_approve_link(sandbox):
    body = {**ORDER_BODY, "application_context": {"return_url": "http://news.test/return/"}}
    del body["payment_source"]
    status, order, _ = call(sandbox, "POST", "/v2/checkout/orders", body)
    assert status == 201
    assert order["status"] == "CREATED"
    assert rels(order) == {"self": "GET", "approve": "GET", "update": "PATCH", "capture": "POST"}


def test_the_same_request_id_gets_the_same_answer(sandbox):
    token = token_for(sandbox)
    first = created_order(sandbox, token, **{"PayPal-Request-Id": "same"})
    assert created_order(sandbox, token, **{"PayPal-Request-Id": "same"}) == first
    assert created_order(sandbox, token, **{"PayPal-Request-Id": "other"})["id"] != first["id"]


@pytest.mark.parametrize(
    ("change", "status", "name", "issue"),
    [
        ({"intent": "SELL"}, 400, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE"),
        ({"purchase_units": []}, 400, "INVALID_REQUEST", "INVALID_ARRAY_MAX_ITEMS"),
        ({"purchase_units": [{"amount": {"currency_code": "XXX", "value": "1.00"}}]}, 422, "UNPROCESSABLE_ENTITY", "CURRENCY_NOT_SUPPORTED"),
        ({"purchase_units": [{"amount": {"currency_code": "USD", "value": "1.005"}}]}, 422, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION"),
        ({"purchase_units": [{"amount": {"currency_code": "JPY", "value": "100.50"}}]}, 422, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION"),
        ({"purchase_units": [{"amount": {"currency_code": "USD", "value": "0.00"}}]}, 422, "UNPROCESSABLE_ENTITY", "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ({"purchase_units": [{"amount": {"currency_code": "USD", "value": "-1"}}]}, 422, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION"),
    ],
)  # fmt: skip
def test_create_refuses_bad_orders_in_paypals_error_shape(sandbox, change, status, name, issue):
    answer_status, document, _ = call(sandbox, "POST", "/v2/checkout/orders", {**ORDER_BODY, **change})
    assert answer_status == status
    assert_paypal_error(document, name, issue)


@pytest.mark.parametrize("raw", [b"{", b"[]", b"\xff"])
def test_create_refuses_malformed_json(sandbox, raw):
    status, document, _ = call(sandbox, "POST", "/v2/checkout/orders", raw=raw)
    assert status == 400
    assert_paypal_error(document, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON")


def test_an_unknown_order_is_404_resource_not_found(sandbox):
    status, document, headers = call(sandbox, "GET", "/v2/checkout/orders/5O190127TN364715T")
    assert status == 404
    assert_paypal_error(document, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
    assert headers["paypal-debug-id"]


def test_capture_answers_the_order_with_its_capture(sandbox):
    token = token_for(sandbox)
    order = created_order(sandbox, token)
    approve(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
    status, approved, _ = call(sandbox, "GET", f"/v2/checkout/orders/{order['id']}", token=token)
    assert approved["status"] == "APPROVED"
    assert {"email_address", "account_id", "account_status", "name"} <= set(approved["payment_source"]["paypal"])

    status, captured, _ = call(sandbox, "POST", f"/v2/checkout/orders/{order['id']}/capture", {}, token=token)
    assert status == 201
    assert captured["status"] == "COMPLETED"
    assert {"given_name", "surname"} == set(captured["payer"]["name"])
    capture = captured["purchase_units"][0]["payments"]["captures"][0]
    assert {
        "id",
        "status",
        "amount",
        "final_capture",
        "seller_protection",
        "seller_receivable_breakdown",
        "links",
        "create_time",
        "update_time",
    } <= set(capture)
    assert capture["status"] == "COMPLETED"
    assert capture["amount"] == {"currency_code": "EUR", "value": "10.00"}
    assert rels(capture) == {"self": "GET", "refund": "POST", "up": "GET"}
    breakdown = capture["seller_receivable_breakdown"]
    assert set(breakdown) == {"gross_amount", "paypal_fee", "net_amount"}
    assert breakdown["gross_amount"]["value"] == "10.00"


def test_capture_refusals_are_422_with_their_issue(sandbox):
    token = token_for(sandbox)
    order = created_order(sandbox, token)
    path = f"/v2/checkout/orders/{order['id']}/capture"
    status, document, _ = call(sandbox, "POST", path, {}, token=token)
    assert (status, document["details"][0]["issue"]) == (422, "ORDER_NOT_APPROVED")

    approve(f"{sandbox.base_url}/checkoutnow?token={order['id']}", "Pay — card declined")
    status, document, _ = call(sandbox, "POST", path, {}, token=token)
    assert status == 422
    assert_paypal_error(document, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED")
    assert rels(document) == {"information_link": "GET", "redirect": "GET"}

    assert call(sandbox, "POST", path, {}, token=token)[0] == 201  # declined once, then through
    status, document, _ = call(sandbox, "POST", path, {}, token=token)
    assert (status, document["details"][0]["issue"]) == (422, "ORDER_ALREADY_CAPTURED")


def test_ten_captures_at_once_capture_once(sandbox):
    token = token_for(sandbox)
    order = created_order(sandbox, token)
    approve(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
    path = f"/v2/checkout/orders/{order['id']}/capture"
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(
                lambda n: call(sandbox, "POST", path, {}, token=token, headers={"PayPal-Request-Id": f"c{n}"}),
                range(10),
            )
        )
    assert sorted(status for status, _, _ in answers) == [201] + [422] * 9
    assert len(sandbox.order(order["id"])["purchase_units"][0]["payments"]["captures"]) == 1


def test_refund_answers_its_status_and_an_up_link_to_the_capture(sandbox):
    token = token_for(sandbox)
    order = created_order(sandbox, token)
    approve(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
    _, captured, _ = call(sandbox, "POST", f"/v2/checkout/orders/{order['id']}/capture", {}, token=token)
    capture_id = captured["purchase_units"][0]["payments"]["captures"][0]["id"]
    status, refund, _ = call(sandbox, "POST", f"/v2/payments/captures/{capture_id}/refund", {}, token=token)
    assert status == 201
    assert set(refund) == {"id", "status", "links"}
    assert refund["status"] == "COMPLETED"
    assert {link["rel"]: link["href"] for link in refund["links"]}["up"].endswith(f"/v2/payments/captures/{capture_id}")
    status, again, _ = call(sandbox, "POST", f"/v2/payments/captures/{capture_id}/refund", {}, token=token)
    assert (status, again["details"][0]["issue"]) == (422, "CAPTURE_FULLY_REFUNDED")


def test_fail_next_answers_a_server_error_once(sandbox):
    token = token_for(sandbox)
    sandbox.fail_next(1, status=503)
    status, document, _ = call(sandbox, "GET", "/v2/checkout/orders/X", token=token)
    assert status == 503
    assert document["name"] == "INTERNAL_SERVER_ERROR"
    assert call(sandbox, "GET", "/v2/checkout/orders/X", token=token)[0] == 404


# Webhooks


class Receiver:
    """A webhook endpoint of the test's own: records each delivery, answers the next status."""

    def __init__(self, statuses=()):
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.deliveries.append((dict(self.headers.items()), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/donations/paypal/webhook/"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def captured_via_api(sandbox, button="Pay") -> dict:
    token = token_for(sandbox)
    order = created_order(sandbox, token)
    approve(f"{sandbox.base_url}/checkoutnow?token={order['id']}", button)
    return call(sandbox, "POST", f"/v2/checkout/orders/{order['id']}/capture", {}, token=token)[1]


def verify(sandbox, headers: dict, body: bytes, **changes) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    fields = {
        "auth_algo": lowered["paypal-auth-algo"],
        "cert_url": lowered["paypal-cert-url"],
        "transmission_id": lowered["paypal-transmission-id"],
        "transmission_sig": lowered["paypal-transmission-sig"],
        "transmission_time": lowered["paypal-transmission-time"],
        "webhook_id": sandbox.webhook_id,
        **changes,
    }
    raw = json.dumps(fields)[:-1].encode() + b', "webhook_event": ' + body + b"}"
    status, answer, _ = call(sandbox, "POST", "/v1/notifications/verify-webhook-signature", raw=raw)
    assert status == 200
    assert set(answer) == {"verification_status"}
    return answer["verification_status"]


def test_a_capture_sends_a_signed_webhook_in_paypals_event_shape(sandbox, receiver):
    sandbox.webhook_url = receiver.url
    order = captured_via_api(sandbox)
    sandbox.wait_for_deliveries()
    [(headers, body)] = receiver.deliveries
    event = json.loads(body)
    assert set(event) == {
        "id",
        "event_version",
        "create_time",
        "resource_type",
        "resource_version",
        "event_type",
        "summary",
        "resource",
        "links",
    }
    assert event["event_type"] == "PAYMENT.CAPTURE.COMPLETED"
    assert event["resource_type"] == "capture"
    assert event["resource"]["supplementary_data"]["related_ids"]["order_id"] == order["id"]
    assert event["resource"]["id"] == order["purchase_units"][0]["payments"]["captures"][0]["id"]
    assert {name.lower() for name in headers} >= {
        "paypal-transmission-id",
        "paypal-transmission-time",
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-auth-algo",
    }
    assert verify(sandbox, headers, body) == "SUCCESS"
    assert [delivery.status for delivery in sandbox.deliveries] == [200]


def test_a_pending_capture_sends_pending(sandbox, receiver):
    sandbox.webhook_url = receiver.url
    captured_via_api(sandbox, "Pay — payment pending")
    sandbox.wait_for_deliveries()
    [(_, body)] = receiver.deliveries
    assert json.loads(body)["event_type"] == "PAYMENT.CAPTURE.PENDING"


def test_a_webhook_the_site_refuses_is_sent_again(sandbox):
    failing = Receiver(statuses=[500, 503])
    try:
        sandbox.webhook_url = failing.url
        captured_via_api(sandbox)
        sandbox.wait_for_deliveries()
        assert [delivery.status for delivery in sandbox.deliveries] == [500, 503, 200]
        assert len({body for _, body in failing.deliveries}) == 1  # the same event each time
    finally:
        failing.close()


def test_verification_fails_for_any_change(sandbox, receiver):
    sandbox.webhook_url = receiver.url
    captured_via_api(sandbox)
    sandbox.wait_for_deliveries()
    [(headers, body)] = receiver.deliveries
    assert verify(sandbox, headers, body) == "SUCCESS"
    assert verify(sandbox, headers, json.dumps(json.loads(body), indent=1).encode()) == "FAILURE"
    assert verify(sandbox, headers, body, webhook_id="WH-OTHER") == "FAILURE"
    assert verify(sandbox, headers, body, transmission_id="another") == "FAILURE"
    assert verify(sandbox, headers, body, cert_url="https://evil.example/cert") == "FAILURE"
    assert verify(sandbox, headers, body, auth_algo="none") == "FAILURE"


def test_verification_needs_every_field(sandbox):
    status, document, _ = call(
        sandbox, "POST", "/v1/notifications/verify-webhook-signature", {"webhook_id": sandbox.webhook_id}
    )
    assert status == 400
    assert_paypal_error(document, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER")


def test_send_webhook_sends_any_event_signed_or_as_given(sandbox, receiver):
    event = sandbox.make_event(
        "PAYMENT.CAPTURE.DENIED", {"id": "CAPTURE1", "amount": {"currency_code": "USD", "value": "5.00"}}
    )
    delivery = sandbox.send_webhook(event, url=receiver.url)
    assert (delivery.status, delivery.event_id, delivery.event_type) == (200, event["id"], "PAYMENT.CAPTURE.DENIED")
    forged = sandbox.send_webhook(b'{"id": "WH-FORGED"}', url=receiver.url, headers={"PAYPAL-TRANSMISSION-SIG": "x"})
    assert forged.event_id == "WH-FORGED"
    (signed_headers, signed_body), (forged_headers, _) = receiver.deliveries
    assert verify(sandbox, signed_headers, signed_body) == "SUCCESS"
    assert "PAYPAL-CERT-URL" not in {name.upper() for name in forged_headers}


@pytest.mark.parametrize(
    ("raw", "spans"),
    [
        (b'{"a": 1, "b" : {"c": [1, 2]} }', {"a": (6, 7), "b": (15, 28)}),
        ('{"é": "ü", "x": null}'.encode(), {"é": (7, 11), "x": (18, 22)}),
        (b"{}", {}),
        (b'{"a": 1} trailing', None),
        (b'{"a" 1}', None),
        (b"[1]", None),
        (b'{"a": 1,}', None),
    ],
)
def test_top_level_spans_find_each_value_byte_for_byte(raw, spans):
    assert _top_level_spans(raw) == spans


# The approval page


def test_the_approval_page_shows_the_amount_and_says_it_is_the_local_sandbox(sandbox):
    order = created_order(sandbox, token_for(sandbox))
    status, headers, page = request(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
    text = page.decode()
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "10.00 EUR" in text
    assert "Masthead's local PayPal sandbox" in text
    assert "no money moves" in text
    assert "<script" not in text and "style=" not in text and "<style" not in text
    form = read_form(page)
    assert list(form.buttons) == ["Pay", "Pay — card declined", "Pay — payment pending", "Cancel"]
    assert form.hidden == {"token": order["id"]}
    status, headers, stylesheet = request(f"{sandbox.base_url}/sandbox.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert b"prefers-color-scheme: dark" in stylesheet


def test_the_approval_page_escapes_what_the_site_sent(sandbox):
    body = json.loads(json.dumps(ORDER_BODY))
    body["purchase_units"][0]["description"] = '<script>alert(1)</script>"'
    _, order, _ = call(sandbox, "POST", "/v2/checkout/orders", body)
    _, _, page = request(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
    assert b"<script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in page


@pytest.mark.parametrize("token", ["", "UNKNOWN", "<b>x</b>"])
def test_an_unknown_token_is_a_404_page(sandbox, token):
    status, _, page = request(f"{sandbox.base_url}/checkoutnow?{urllib.parse.urlencode({'token': token})}")
    assert status == 404
    assert b"<b>" not in page


def test_an_unknown_choice_is_400_and_changes_nothing(sandbox):
    order = created_order(sandbox, token_for(sandbox))
    status, _, _ = request(
        f"{sandbox.base_url}/checkoutnow",
        "POST",
        urllib.parse.urlencode({"token": order["id"], "choice": "steal"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400
    assert sandbox.order(order["id"])["status"] == "PAYER_ACTION_REQUIRED"


@pytest.mark.browser
def test_the_approval_page_is_accessible_in_chromium_light_and_dark(sandbox, chromium_path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from masthead.tests.e2e.conftest import CHROMIUM_ARGS

    order = created_order(sandbox, token_for(sandbox))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            for scheme in ("light", "dark"):
                page = browser.new_page(color_scheme=scheme, viewport={"width": 375, "height": 700})
                errors = []
                page.on("console", lambda message, errors=errors: errors.append(message.text))
                page.goto(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
                assert page.get_by_role("heading", level=1).inner_text() == "Pay 10.00 EUR"
                violations = (
                    Axe()
                    .run(
                        page,
                        options={
                            "runOnly": {
                                "type": "tag",
                                "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"],
                            }
                        },
                    )
                    .response["violations"]
                )
                assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
                assert errors == []  # nothing refused by the page's CSP
                page.close()
            page = browser.new_page()
            page.goto(f"{sandbox.base_url}/checkoutnow?token={order['id']}")
            with page.expect_request(lambda sent: sent.url.startswith("http://news.test/return/")) as redirected:
                page.get_by_role("button", name="Pay", exact=True).click()
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(redirected.value.url).query)
            assert query["token"] == [order["id"]]
        finally:
            browser.close()


def test_the_approval_page_is_valid_html(sandbox, tmp_path):
    import shutil
    import subprocess

    from django.conf import settings

    from masthead.conftest import service_missing

    checker = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if shutil.which("java") is None or not checker.exists():
        service_missing("the Nu HTML checker needs Java and `npm ci` at the repository root")
    order = created_order(sandbox, token_for(sandbox))
    pages = {
        "approval.html": request(f"{sandbox.base_url}/checkoutnow?token={order['id']}")[2],
        "unknown.html": request(f"{sandbox.base_url}/checkoutnow?token=UNKNOWN")[2],
    }
    for name, page in pages.items():
        (tmp_path / name).write_bytes(page)
    result = subprocess.run(
        ["java", "-jar", str(checker), "--format", "json", "--errors-only", *(str(tmp_path / name) for name in pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(result.stderr or result.stdout)["messages"] == []


HOSTILE_BODIES = [
    b"",
    b"\xff\xfe",
    b"null",
    b'{"intent": "CAPTURE", "purchase_units": [{"amount": "ten"}]}',
    b'{"intent": "CAPTURE", "purchase_units": [{"amount": {"currency_code": ["USD"], "value": {"x": 1}}}]}',
    b'{"intent": "CAPTURE", "purchase_units": [1], "payment_source": {"paypal": []}}',
    b'{"intent": "CAPTURE", "purchase_units": [{"amount": {"currency_code": "USD", "value": "1.00"}}], "payment_source": {"paypal": {"experience_context": "x"}}}',
    b'{"webhook_event": {}, "webhook_id": 5, "auth_algo": [], "cert_url": null}',
    b'{"webhook_event": 1, "webhook_id": "a", "auth_algo": "b", "cert_url": "c", "transmission_id": "d", "transmission_sig": "e", "transmission_time": "f"}',
    b"{" * 5000,
]
HOSTILE_PATHS = [
    ("POST", "/v2/checkout/orders"),
    ("GET", "/v2/checkout/orders/%00"),
    ("POST", "/v2/checkout/orders/..%2F..%2Fv1%2Foauth2%2Ftoken/capture"),
    ("POST", "/v2/payments/captures/x/refund"),
    ("POST", "/v1/notifications/verify-webhook-signature"),
    ("PUT", "/v2/checkout/orders"),
    ("POST", "/checkoutnow"),
    ("DELETE", "/checkoutnow?token=x"),
]


@pytest.mark.parametrize(("method", "path"), HOSTILE_PATHS)
def test_hostile_requests_never_get_a_server_error(sandbox, method, path):
    token = token_for(sandbox)
    for body in HOSTILE_BODIES:
        status, _, _ = request(
            f"{sandbox.base_url}{path}",
            method,
            body,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert 200 <= status < 500, (method, path, body[:80], status)


def test_sent_events_can_be_listed_fetched_and_resent(sandbox, receiver, capsys):
    from masthead.paypal_sandbox.__main__ import main

    sandbox.webhook_url = receiver.url
    order = captured_via_api(sandbox)
    sandbox.wait_for_deliveries()
    [(_, first_body)] = receiver.deliveries
    event_id = json.loads(first_body)["id"]

    status, listing, _ = call(sandbox, "GET", "/v1/notifications/webhooks-events")
    assert (status, listing["count"], listing["events"][0]["id"]) == (200, 1, event_id)
    status, event, _ = call(sandbox, "GET", f"/v1/notifications/webhooks-events/{event_id}")
    assert (status, event["resource"]["supplementary_data"]["related_ids"]["order_id"]) == (200, order["id"])
    assert call(sandbox, "GET", "/v1/notifications/webhooks-events/WH-UNKNOWN")[0] == 404

    assert main(["events", "--api-base", sandbox.base_url]) == 0
    assert capsys.readouterr().out.startswith(f"{event_id} PAYMENT.CAPTURE.COMPLETED ")
    assert main(["resend", "--api-base", sandbox.base_url, event_id]) == 0
    sandbox.wait_for_deliveries()
    (first_headers, _), (again_headers, again_body) = receiver.deliveries
    assert again_body == first_body  # the same event, byte for byte
    transmission = [
        {k.lower(): v for k, v in headers.items()}["paypal-transmission-id"]
        for headers in (first_headers, again_headers)
    ]
    assert transmission[0] != transmission[1]
    assert verify(sandbox, again_headers, again_body) == "SUCCESS"
    assert main(["resend", "--api-base", "http://127.0.0.1:9", event_id]) == 1
