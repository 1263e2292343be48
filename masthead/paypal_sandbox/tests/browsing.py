"""Clicking through the sandbox's approval page with a plain HTTP client, the way a
browser would: fetch the page, read its form with a real HTML parser, submit a button."""

from __future__ import annotations

import http.client
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ApprovalForm:
    action: str = ""
    method: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)  # label -> value


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.form = ApprovalForm()
        self._button_value: str | None = None
        self._label = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.form.action = attributes.get("action", "")
            self.form.method = attributes.get("method", "get").lower()
        elif tag == "input" and attributes.get("type") == "hidden":
            self.form.hidden[attributes["name"]] = attributes.get("value", "")
        elif tag == "button":
            self._button_value = attributes.get("value", "")
            self._label = ""

    def handle_data(self, data):
        if self._button_value is not None:
            self._label += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button_value is not None:
            self.form.buttons[self._label.strip()] = self._button_value
            self._button_value = None


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """One request, no redirect followed: (status, headers, body)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def read_form(page: bytes) -> ApprovalForm:
    reader = _FormReader()
    reader.feed(page.decode())
    return reader.form


def approve(approve_url: str, button: str = "Pay") -> str:
    """Open the approval page, press `button`, and return where the sandbox sends the browser."""
    status, _, page = request(approve_url)
    assert status == 200, page
    form = read_form(page)
    assert form.method == "post"
    target = urllib.parse.urljoin(approve_url, form.action)
    fields = {**form.hidden, "choice": form.buttons[button]}
    status, headers, _ = request(
        target,
        "POST",
        urllib.parse.urlencode(fields).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 303
    return headers["location"]
