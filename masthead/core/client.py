"""Who is asking: the reader's network address, as rate limits and bans need it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind MASTHEAD_PROXY_HOPS proxies the address the outermost one
    saw (the rightmost entries of X-Forwarded-For are the proxies' own; anything to
    their left was written by the client and is not trusted)."""
    hops = settings.MASTHEAD_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
