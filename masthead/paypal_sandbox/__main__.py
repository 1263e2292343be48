"""Masthead's local PayPal sandbox on its own (`masthead serve` starts one itself).

    python -m masthead.paypal_sandbox [serve] [--port 8025] [--webhook-url URL]
        runs it; point a Masthead without PayPal credentials at it with
        PAYPAL_API_BASE=http://127.0.0.1:8025 (for `masthead runserver`, say)
    python -m masthead.paypal_sandbox events --api-base http://127.0.0.1:8025
        lists the webhook events it sent, newest first
    python -m masthead.paypal_sandbox resend --api-base http://127.0.0.1:8025 WH-…
        delivers an event again, as PayPal does when it retries (replays are harmless)

It listens on loopback only. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import threading
import urllib.error
import urllib.request

from . import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LOCAL_WEBHOOK_ID
from .server import LocalSandbox

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in {"-h", "--help"}):
        argv = ["serve", *argv]
    parser = argparse.ArgumentParser(
        prog="python -m masthead.paypal_sandbox",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the sandbox")
    serve.add_argument("--port", type=int, default=8025, help="loopback port to listen on (0: any free one)")
    serve.add_argument("--webhook-url", default="", help="where captures and refunds send their signed webhooks")
    for name, text in (("events", "list the events it sent"), ("resend", "deliver an event again")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--api-base", default="http://127.0.0.1:8025", help="where the sandbox runs")
        if name == "resend":
            command.add_argument("event_id")
    options = parser.parse_args(argv)
    if options.command == "serve":
        return _serve(options.port, options.webhook_url)
    try:
        if options.command == "events":
            for event in _call(options.api_base, "GET", "/v1/notifications/webhooks-events")["events"]:
                print(event["id"], event["event_type"], event["resource"].get("id", ""), event["create_time"])
        else:
            event = _call(options.api_base, "POST", f"/v1/notifications/webhooks-events/{options.event_id}/resend")
            print(f"Sending {event['id']} ({event['event_type']}) again.")
    except (OSError, urllib.error.URLError) as error:
        print(f"paypal_sandbox: {error}", file=sys.stderr)
        return 1
    return 0


def _serve(port: int, webhook_url: str) -> int:
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    with LocalSandbox(port=port, webhook_url=webhook_url) as sandbox:
        print(
            f"Masthead's local PayPal sandbox at {sandbox.base_url} (no money moves): client id {LOCAL_CLIENT_ID},"
            f" webhook id {LOCAL_WEBHOOK_ID}. Ctrl-C stops it.",
            flush=True,
        )
        stopped.wait()
    return 0


def _call(api_base: str, method: str, path: str) -> dict:
    credentials = base64.b64encode(f"{LOCAL_CLIENT_ID}:{LOCAL_CLIENT_SECRET}".encode()).decode()
    token_request = urllib.request.Request(  # noqa: S310 (a loopback sandbox)
        f"{api_base}/v1/oauth2/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {credentials}"},
    )
    with DIRECT.open(token_request, timeout=10) as response:
        token = json.loads(response.read())["access_token"]
    request = urllib.request.Request(  # noqa: S310
        f"{api_base}{path}",
        data=b"{}" if method == "POST" else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with DIRECT.open(request, timeout=10) as response:
        return json.loads(response.read())


if __name__ == "__main__":
    sys.exit(main())
