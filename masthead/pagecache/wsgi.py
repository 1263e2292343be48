"""The page cache in front of Django, at the WSGI layer.

A hit is answered here without building a Django request or running any middleware:
the stored page, compressed as the client accepts, or a 304 when the client already has
it. It is answered only when Django would serve the request too (an allowed host, and
HTTPS when SECURE_SSL_REDIRECT asks for it); any other request goes to Django, which
refuses or redirects it. A miss goes to Django; the response is stored when Django marked
it as a public page (`masthead.pagecache.public`) for this very address and it sets no
cookie. Every text response that passes through is compressed (brotli or gzip).
"""

from __future__ import annotations

import gzip
import logging
from functools import cached_property

import brotli
from django.http.request import split_domain_port, validate_host

from masthead.pagecache.addresses import address_with, path_of, request_address
from masthead.pagecache.entry import BROTLI_QUALITY, COMPRESS_MIN_BYTES, Entry

logger = logging.getLogger(__name__)

KEYS_HEADER = "x-masthead-cache-keys"
# The query string the view read, in its canonical spelling (public.add_query).
QUERY_HEADER = "x-masthead-cache-query"
# How long a short-lived response may be kept (public.mark_short_lived).
SECONDS_HEADER = "x-masthead-cache-seconds"
INTERNAL_HEADERS = {KEYS_HEADER, QUERY_HEADER, SECONDS_HEADER}
# Set in the WSGI environ when this response may be stored: Django then works out the
# page's cache keys, which a response that will not be stored does not need.
STORE_FLAG = "masthead.store_page"
# The store's purge clock, read here before Django runs: the request's fragments and
# remembered values are checked against the same reading (masthead.pagecache.fragments).
GENERATION_ENVIRON = "masthead.generation"
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)


OFFERED_CODINGS = ("br", "gzip")  # in the order preferred when the client weighs them equally
# Clients send a handful of distinct Accept-Encoding values: each is parsed once per worker.
_codings_by_header: dict[str, tuple[str, ...]] = {}
MAX_REMEMBERED_HEADERS = 64


def _acceptable_codings(environ) -> tuple[str, ...]:
    """The offered codings the client accepts, most wanted first."""
    header = environ.get("HTTP_ACCEPT_ENCODING", "")
    codings = _codings_by_header.get(header)
    if codings is None:
        codings = _parse_accept_encoding(header)
        if len(_codings_by_header) < MAX_REMEMBERED_HEADERS:
            _codings_by_header[header] = codings
    return codings


def _parse_accept_encoding(header: str) -> tuple[str, ...]:
    """RFC 9110 12.5.3: q=0 means "not acceptable", `*` stands for every coding not named."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, *parameters = item.split(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # an unreadable weight: better uncompressed than unreadable
        weights[name] = weight
    wildcard = weights.get("*", 0.0)
    offered = {coding: weights.get(coding, wildcard) for coding in OFFERED_CODINGS}
    return tuple(sorted((coding for coding, weight in offered.items() if weight > 0), key=lambda c: -offered[c]))


class DjangoWouldServe:
    """What Django checks before any view runs, asked again before a hit is sent: the host
    against ALLOWED_HOSTS (else a 400) and, with SECURE_SSL_REDIRECT, the scheme as
    SECURE_PROXY_SSL_HEADER reports it (else SecurityMiddleware's 301)."""

    def __init__(self, settings):
        self.forwarded_host = settings.USE_X_FORWARDED_HOST
        self.allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not self.allowed_hosts:
            self.allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]  # as HttpRequest.get_host()
        self.https_only = settings.SECURE_SSL_REDIRECT
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self._host_allowed: dict[str, bool] = {}

    def __call__(self, environ) -> bool:
        if self.https_only and not self._secure(environ):
            return False
        # Presence, not truth, as HttpRequest._get_raw_host(): an empty one is a 400 there.
        if self.forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
            host = environ["HTTP_X_FORWARDED_HOST"]
        else:
            host = environ.get("HTTP_HOST")
        if host is None:
            return False  # HTTP/1.0 without Host: rare enough to leave to Django
        allowed = self._host_allowed.get(host)
        if allowed is None:
            domain, _ = split_domain_port(host)
            allowed = bool(domain) and validate_host(domain, self.allowed_hosts)
            if len(self._host_allowed) < MAX_REMEMBERED_HEADERS:  # any Host can be sent
                self._host_allowed[host] = allowed
        return allowed

    def _secure(self, environ) -> bool:
        if self.proxy_ssl_header:
            header, secure_value = self.proxy_ssl_header
            value = environ.get(header)
            if value is not None:
                return value.split(",", 1)[0].strip() == secure_value
        return environ.get("wsgi.url_scheme") == "https"


class PageCacheApplication:
    def __init__(self, application, *, store, session_cookie: str = "sessionid", enabled: bool = True):
        self.application = application
        self.store = store
        self.session_cookie = session_cookie
        self.enabled = enabled

    @cached_property
    def _django_would_serve(self) -> DjangoWouldServe:
        from django.conf import settings  # read at the first request, not at import

        return DjangoWouldServe(settings)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        address = None
        if (
            self.enabled
            and method in ("GET", "HEAD")
            and f"{self.session_cookie}=" not in environ.get("HTTP_COOKIE", "")
            and self._django_would_serve(environ)
        ):
            address = request_address(environ)
        generation = None
        if address is not None:
            try:
                entry = self.store.get(address)
                if entry is not None:
                    return self._send(entry, environ, start_response, cache="hit")
                generation = environ[GENERATION_ENVIRON] = self.store.generation()
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
            and address == address_with(path_of(address), names.get(QUERY_HEADER, ""))
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
        headers = [(name, value) for name, value in headers if name.lower() not in INTERNAL_HEADERS]
        if cacheable:
            seconds = names.get(SECONDS_HEADER)
            entry = Entry.build(
                status=status,
                headers=headers,
                body=body,
                keys=keys_header.split(),
                seconds=int(seconds) if seconds else None,
            )
            try:
                self.store.put(address, entry, generation=generation)
            except Exception:
                logger.exception("Page cache unavailable; page not stored")
            # What this render's fragments cost is news for this response only: the entry
            # does not keep it, so the hits never replay it.
            rendered = [("X-Fragments", names["x-fragments"])] if "x-fragments" in names else []
            return self._send(entry, environ, start_response, cache="miss", extra_headers=rendered)
        if compressible and len(body) >= COMPRESS_MIN_BYTES:
            return self._send_compressed(status, headers, body, environ, start_response)
        start_response(
            status, [(n, v) for n, v in headers if n.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        )
        return [body]

    def _send(self, entry: Entry, environ, start_response, *, cache: str, extra_headers=()):
        headers = [
            *entry.headers,
            *extra_headers,
            ("ETag", entry.etag),
            ("Last-Modified", entry.last_modified),
            ("X-Cache", cache),
        ]
        if entry.gzip:
            headers.append(("Vary", "Accept-Encoding"))
        if _not_modified(environ, entry):
            start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() != "content-type"])
            return []
        body, coding = entry.body, None
        for acceptable in _acceptable_codings(environ):
            compressed = entry.br if acceptable == "br" else entry.gzip
            if compressed:
                body, coding = compressed, acceptable
                break
        if coding:
            headers.append(("Content-Encoding", coding))
        headers.append(("Content-Length", str(len(body))))
        start_response(entry.status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _send_compressed(self, status, headers, body, environ, start_response):
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        codings = _acceptable_codings(environ)
        coding = codings[0] if codings else None
        if coding == "br":
            body = brotli.compress(body, quality=BROTLI_QUALITY)
        elif coding == "gzip":
            body = gzip.compress(body, 6, mtime=0)
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
