"""Run the sandbox app on a loopback port in a thread of this process.

`masthead serve` runs one beside granian (not inside the site's WSGI app: a site worker
calling its own thread pool could deadlock), and tests run one per test.
"""

from __future__ import annotations

import socketserver
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from . import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LOCAL_WEBHOOK_ID
from .app import Delivery, SandboxApp

# How often the serving thread looks whether it was told to stop (a test stops one each time).
STOP_POLL_SECONDS = 0.05


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a hung client never keeps the process alive


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class LocalSandbox:
    """The sandbox served on http://127.0.0.1:<port> (port 0: a free one)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = LOCAL_CLIENT_ID,
        client_secret: str = LOCAL_CLIENT_SECRET,
        webhook_id: str = LOCAL_WEBHOOK_ID,
        webhook_url: str = "",
    ):
        self.app = SandboxApp(client_id=client_id, client_secret=client_secret, webhook_id=webhook_id)
        self._server = _ThreadingServer((host, port), _QuietHandler)
        self._server.set_app(self.app)
        bound_host, bound_port = self._server.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self.app.base_url = self.base_url
        self.app.webhook_url = webhook_url
        self._thread: threading.Thread | None = None

    client_id = property(lambda self: self.app.client_id)
    client_secret = property(lambda self: self.app.client_secret)
    webhook_id = property(lambda self: self.app.webhook_id)

    @property
    def webhook_url(self) -> str:
        return self.app.webhook_url

    @webhook_url.setter
    def webhook_url(self, url: str) -> None:
        self.app.webhook_url = url

    def start(self) -> LocalSandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": STOP_POLL_SECONDS},
            name="paypal-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalSandbox:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # The app's controls, at hand

    def send_webhook(self, event: dict | bytes, **options) -> Delivery:
        return self.app.send_webhook(event, **options)

    def __getattr__(self, name: str):
        # make_event, capture_event, sign, order, expire_tokens, fail_next, deliveries, ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.app, name)
