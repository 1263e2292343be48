"""Who is asking: the reader's network address, as rate limits and bans need it."""

import ipaddress
import socket

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind MASTHEAD_PROXY_HOPS proxies the address the outermost one
    saw (the rightmost entries of X-Forwarded-For are the proxies' own; anything to
    their left was written by the client and is not trusted)."""
    return address_from_environ(request.META)


def address_from_environ(environ, *, hops: int | None = None) -> str:
    """client_ip() for a WSGI environ, for callables that answer before Django (the
    analytics beacon, which passes MASTHEAD_PROXY_HOPS as `hops`): one rule for both."""
    if hops is None:
        hops = settings.MASTHEAD_PROXY_HOPS
    if hops:
        forwarded_header = environ.get("HTTP_X_FORWARDED_FOR", "")
        if hops == 1 and "," not in forwarded_header:
            # One proxy that saw the reader (the usual set-up, and every beacon asks):
            # the same answer as the general rule below, without making a list.
            candidate = forwarded_header.strip()
            return candidate if candidate and _is_address(candidate) else environ.get("REMOTE_ADDR", "")
        forwarded = [part.strip() for part in forwarded_header.split(",") if part.strip()]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return forwarded[-hops]
    return environ.get("REMOTE_ADDR", "")


def _is_address(value: str) -> bool:
    # Most addresses are IPv4: the C parser takes a tenth of ipaddress's time (every
    # analytics beacon asks) and accepts no string that ipaddress refuses.
    try:
        socket.inet_pton(socket.AF_INET, value)
        return True
    except (OSError, ValueError):
        pass
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
