"""`POST /analytics/beacon/`, answered in front of the page cache and Django.

Every read sends one, cached page or not, so this is the origin's hottest path: it
builds no Django request and runs no middleware. What it does need of Django (the
settings, the database in the embedded default) is set up by then.

Bodies are form-encoded and small:
    page=<page id>&ref=<document.referrer>          a view of a page
    ad=<creative id>&event=impression|click          an ad shown or clicked

204 when stored or deliberately not counted (a bot, a prefetch, a view already counted
in the window, a page that is not live and public), 400 for a malformed body, 405 for
another method, 413 for a body over the limit, 503 only when neither Redis nor the
database could store it. No cookie is read or set, and there is no CSRF check: a beacon
carries no authority and changes nothing but a count (docs/decisions/0011).
"""

from __future__ import annotations

import functools
import logging
import time
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from masthead.analytics import bots, counting, known, spool, visitors

logger = logging.getLogger(__name__)

BEACON_PATH = "/analytics/beacon/"
MAX_BODY_BYTES = 4096  # a page id and one address; browsers cap referrers at 4 KB too
MAX_ID = 2**62
AD_EVENTS = frozenset({"impression", "click"})
MAX_DOMAIN_LENGTH = 253
_NO_STORE = ("Cache-Control", "no-store")
# Counted("view", page) through tuple.__new__: the NamedTuple's own __new__ is a Python
# function, twice the time for the same tuple (most beacons make one).
_new_tuple = tuple.__new__


class BadBeacon(ValueError):
    pass


@functools.cache
def _configuration() -> tuple[str, int]:
    """The settings a beacon reads (Redis or not, proxy hops), read once per process:
    each read through Django's lazy settings object cost almost a microsecond."""
    return settings.MASTHEAD_PAGE_CACHE_REDIS_URL, settings.MASTHEAD_PROXY_HOPS


@receiver(setting_changed)
def _forget_configuration(setting, **kwargs):
    if setting in ("MASTHEAD_PAGE_CACHE_REDIS_URL", "MASTHEAD_PROXY_HOPS"):
        _configuration.cache_clear()


def _number(raw: str, name: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19) or not 0 < int(raw) < MAX_ID:
        raise BadBeacon(f"{name} must be a positive whole number")
    return int(raw)


def referrer_domain(referrer: str, own_host: str) -> str:
    """The domain of a referrer from another site, or "" (none, our own, not http)."""
    if not referrer:
        return ""
    try:
        parts = urlsplit(referrer)
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host or len(host) > MAX_DOMAIN_LENGTH:
        return ""
    if not host.isascii():
        # An international name, as its ASCII form (what browsers send): the spool's
        # line and the Redis script read ASCII only, and one domain has one spelling.
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    if host.startswith("www."):
        host = host[4:]
    own = own_host.rsplit(":", 1)[0].lower() if not own_host.startswith("[") else own_host.lower()
    if host == own.removeprefix("www."):
        return ""
    return host if all(c.isalnum() or c in "-._:[]" for c in host) else ""


def parse(body: bytes, own_host: str) -> counting.Counted:
    """What a beacon's body asks to count; BadBeacon says what is wrong with it."""
    # Most beacons are `page=<id>` (an appended article has no referrer of its own):
    # read without the form parser, a fifth of a beacon's time.
    plain = body.removesuffix(b"&ref=")
    if plain.startswith(b"page=") and plain[5:].isdigit() and len(plain) < 24 and 0 < (page := int(plain[5:])) < MAX_ID:
        return _new_tuple(counting.Counted, ("view", page, ""))
    try:
        text = body.decode("ascii")  # form encoding percent-encodes everything else
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=4)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadBeacon("the body must be form-encoded (page=<id>&ref=<referrer>)") from error
    values = dict(fields)
    if len(values) != len(fields):
        raise BadBeacon("a field is repeated")
    names = set(values)
    if names <= {"page", "ref"} and "page" in names:
        return counting.Counted(
            "view", _number(values["page"], "page"), referrer_domain(values.get("ref", ""), own_host)
        )
    if names == {"ad", "event"}:
        if values["event"] not in AD_EVENTS:
            raise BadBeacon("event must be impression or click")
        return counting.Counted(values["event"], _number(values["ad"], "ad"))
    raise BadBeacon("expected page=<id>[&ref=<referrer>] or ad=<id>&event=impression|click")


def _read_body(environ) -> bytes:
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if raw_length:
        if not raw_length.isdigit():
            raise BadBeacon("bad Content-Length")
        length = int(raw_length)
        if length > MAX_BODY_BYTES:
            raise OverflowError
        return environ["wsgi.input"].read(length)
    body = environ["wsgi.input"].read(MAX_BODY_BYTES + 1)  # chunked: read up to the limit
    if len(body) > MAX_BODY_BYTES:
        raise OverflowError
    return body


NO_CONTENT_HEADERS = [_NO_STORE]  # a 204 has no body, so no Content-Length either


def _answer(start_response, status: str, message: str = "", extra=()):
    if status.startswith("204"):
        start_response(status, NO_CONTENT_HEADERS)
        return []
    body = message.encode()
    headers = [_NO_STORE, *extra, ("Content-Length", str(len(body)))]
    if body:
        headers.append(("Content-Type", "text/plain; charset=utf-8"))
    start_response(status, headers)
    return [body] if body else []


def handle(environ, start_response):
    if environ.get("REQUEST_METHOD") != "POST":
        return _answer(start_response, "405 Method Not Allowed", "Send beacons with POST.\n", [("Allow", "POST")])
    try:
        counted = parse(_read_body(environ), environ.get("HTTP_HOST", ""))
    except OverflowError:
        return _answer(start_response, "413 Content Too Large", f"A beacon is at most {MAX_BODY_BYTES} bytes.\n")
    except BadBeacon as error:
        return _answer(start_response, "400 Bad Request", f"Bad beacon: {error}.\n")
    user_agent = environ.get("HTTP_USER_AGENT", "")
    if bots.is_prefetch(environ) or bots.is_bot(user_agent):
        return _answer(start_response, "204 No Content")
    now = time.time()
    redis_url, proxy_hops = _configuration()
    try:
        ids = known.pages if counted.kind == "view" else known.creatives
        if counted.object_id not in ids:
            return _answer(start_response, "204 No Content")
        viewed = f"{counted.kind}:{counted.object_id}" if counted.kind != "view" else str(counted.object_id)
        visitor = visitors.visitor_keys(
            now=now,
            address=visitors.client_address(environ, hops=proxy_hops),
            user_agent=user_agent,
            viewed=viewed,
        )
        if redis_url:
            spool.append(spool.line(counted, visitor=visitor, now=now))  # shipped to Redis by the worker's thread
        else:
            counting.count_once(counted, visitor=visitor, now=now)
    except Exception:  # the database behind a list or a salt, the spool's disk, the database
        logger.exception("Analytics: beacon not stored")
        _drop_broken_connections()
        return _answer(start_response, "503 Service Unavailable", "Not counted; try later.\n", [("Retry-After", "5")])
    return _answer(start_response, "204 No Content")


def _drop_broken_connections() -> None:
    """What Django does at the end of a request, for this path's own errors only: a
    connection that failed is closed, so the next beacon opens a new one."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


class BeaconApplication:
    """Answers the beacon's path; passes everything else to `application`."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == BEACON_PATH:
            return handle(environ, start_response)
        return self.application(environ, start_response)
