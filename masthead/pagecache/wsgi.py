"""The page cache in front of Django, at the WSGI layer.

A hit is answered here without building a Django request or running any middleware:
the stored page, compressed as the client accepts, or a 304 when the client already has
it. A miss goes to Django; the response is stored when Django marked it as a public page
(`masthead.pagecache.public`) and it sets no cookie. Every text response that passes
through is compressed (brotli or gzip).
"""

from __future__ import annotations

import gzip
import logging

import brotli

from masthead.pagecache.addresses import page_address
from masthead.pagecache.entry import COMPRESS_MIN_BYTES, Entry

logger = logging.getLogger(__name__)

KEYS_HEADER = "x-masthead-cache-keys"
# Set in the WSGI environ when this response may be stored: Django then works out the
# page's cache keys, which a response that will not be stored does not need.
STORE_FLAG = "masthead.store_page"
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


def _accepts(environ, coding: str) -> bool:
    return coding in environ.get("HTTP_ACCEPT_ENCODING", "")


class PageCacheApplication:
    def __init__(self, application, *, store, session_cookie: str = "sessionid", enabled: bool = True):
        self.application = application
        self.store = store
        self.session_cookie = session_cookie
        self.enabled = enabled

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        address = None
        if (
            self.enabled
            and method in ("GET", "HEAD")
            and f"{self.session_cookie}=" not in environ.get("HTTP_COOKIE", "")
        ):
            address = page_address(environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))
        generation = None
        if address is not None:
            try:
                entry = self.store.get(address)
                if entry is not None:
                    return self._send(entry, environ, start_response, cache="hit")
                generation = self.store.generation()
                environ[STORE_FLAG] = "1"
            except Exception:  # a cache outage must not take the site down with it
                logger.exception("Page cache unavailable; serving from Django")
                address = None
        return self._from_django(environ, start_response, address=address, generation=generation)

    def _from_django(self, environ, start_response, *, address, generation):
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.application(environ, capture)
        status, headers = captured["status"], captured["headers"]
        names = {name.lower(): value for name, value in headers}
        keys_header = names.get(KEYS_HEADER)
        cacheable = (
            address is not None
            and keys_header is not None
            and environ.get("REQUEST_METHOD") == "GET"
            and status.startswith("200")
            and "set-cookie" not in names
            and "cookie" not in names.get("vary", "").lower()
            and "public" in names.get("cache-control", "")
        )
        compressible = (
            "content-encoding" not in names
            and names.get("content-type", "").startswith(COMPRESSIBLE_TYPES)
            and not getattr(result, "streaming", False)
            and "content-length" in names
        )
        if not (cacheable or compressible or keys_header):
            start_response(status, headers)
            return result
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        headers = [(name, value) for name, value in headers if name.lower() != KEYS_HEADER]
        if cacheable:
            entry = Entry.build(status=status, headers=headers, body=body, keys=keys_header.split())
            try:
                self.store.put(address, entry, generation=generation)
            except Exception:
                logger.exception("Page cache unavailable; page not stored")
            return self._send(entry, environ, start_response, cache="miss")
        if compressible and len(body) >= COMPRESS_MIN_BYTES:
            return self._send_compressed(status, headers, body, environ, start_response)
        start_response(
            status, [(n, v) for n, v in headers if n.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        )
        return [body]

    def _send(self, entry: Entry, environ, start_response, *, cache: str):
        headers = [*entry.headers, ("ETag", entry.etag), ("Last-Modified", entry.last_modified), ("X-Cache", cache)]
        if entry.gzip:
            headers.append(("Vary", "Accept-Encoding"))
        if _not_modified(environ, entry):
            start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() != "content-type"])
            return []
        body, coding = entry.body, None
        if entry.br and _accepts(environ, "br"):
            body, coding = entry.br, "br"
        elif entry.gzip and _accepts(environ, "gzip"):
            body, coding = entry.gzip, "gzip"
        if coding:
            headers.append(("Content-Encoding", coding))
        headers.append(("Content-Length", str(len(body))))
        start_response(entry.status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _send_compressed(self, status, headers, body, environ, start_response):
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        coding = None
        if _accepts(environ, "br"):
            body, coding = brotli.compress(body, quality=5), "br"
        elif _accepts(environ, "gzip"):
            body, coding = gzip.compress(body, 6, mtime=0), "gzip"
        if coding:
            headers.append(("Content-Encoding", coding))
        headers += [("Vary", "Accept-Encoding"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _not_modified(environ, entry: Entry) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return (
            entry.etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        from email.utils import parsedate_to_datetime

        try:
            return parsedate_to_datetime(if_modified_since) >= parsedate_to_datetime(entry.last_modified)
        except (TypeError, ValueError):
            return False
    return False
