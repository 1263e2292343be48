"""Masthead's local PayPal sandbox: a fake of PayPal's REST API for tests and the demo.

It speaks the request and response shapes of PayPal's Orders v2, Payments v2 refunds,
OAuth2 token and webhook verification APIs, serves an approval page a browser can click
through, and sends signed webhooks. It is a plain WSGI app (`app.SandboxApp`) that knows
no Masthead models; `server.LocalSandbox` runs it on a loopback port in a thread.

Its credentials below are public on purpose: the sandbox listens on loopback only and
moves no money. Settings use them when no PayPal credentials are configured.
"""

LOCAL_CLIENT_ID = "masthead-local-sandbox"
LOCAL_CLIENT_SECRET = "masthead-local-sandbox-secret"  # noqa: S105 (a demo fake's fixed login)
LOCAL_WEBHOOK_ID = "WH-MASTHEAD-LOCAL-SANDBOX"
