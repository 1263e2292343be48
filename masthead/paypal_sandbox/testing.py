"""The `paypal_sandbox` pytest fixture: a local PayPal sandbox on a free loopback port,
with Django's PayPal settings pointing at it for the test.

Use it from a conftest.py: `from masthead.paypal_sandbox.testing import paypal_sandbox`.
The fixture yields a LocalSandbox: `.base_url`, `.client_id`, `.client_secret`,
`.webhook_id`, `.webhook_url` (settable: where captures send their webhooks),
`.send_webhook(event_or_bytes, url=..., headers=...)`, `.capture_event(order_id, type)`,
`.make_event(...)`, `.sign(body)`, `.order(id)`, `.expire_tokens()`, `.fail_next(n, status)`,
`.wait_for_deliveries()` and `.deliveries`.
"""

from __future__ import annotations

import pytest

from .server import LocalSandbox


@pytest.fixture
def paypal_sandbox(settings):
    with LocalSandbox() as sandbox:
        settings.PAYPAL_API_BASE = sandbox.base_url
        settings.PAYPAL_CLIENT_ID = sandbox.client_id
        settings.PAYPAL_CLIENT_SECRET = sandbox.client_secret
        settings.PAYPAL_WEBHOOK_ID = sandbox.webhook_id
        settings.PAYPAL_SANDBOX_LOCAL = True
        settings.DONATIONS_ENABLED = True
        yield sandbox
        sandbox.wait_for_deliveries()
