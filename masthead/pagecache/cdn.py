"""Purge a CDN in front of Masthead on the same events as the page cache.

The page cache knows which addresses each purge removed (its index is by cache key), so
the CDN is told about exactly those pages, as full URLs under SITE_URL, through Wagtail's
frontend cache (`WAGTAILFRONTENDCACHE`, set from MASTHEAD_CDN_PURGE_URL). Wagtail sends
them from a task, so a slow or unreachable CDN never holds up the editor's request, and
a PURGE sent twice is harmless.

With the page cache off there is no index: the CDN then keeps a page at most for the
`s-maxage` in MASTHEAD_PUBLIC_CACHE_CONTROL.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.conf import settings
from wagtail.contrib.frontend_cache.backends import HTTPBackend

logger = logging.getLogger(__name__)

# RFC 3986 characters a path may carry as they are; the rest ("ü", "%", a space) are
# percent-encoded, as a browser asks for them and as the CDN keeps them.
PATH_SAFE = "/!$&'()*+,;=:@"


def purge_addresses(addresses) -> None:
    if not settings.WAGTAILFRONTENDCACHE or not addresses:
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(sorted(settings.SITE_URL + as_url_path(address) for address in addresses))


def as_url_path(address: str) -> str:
    """An address holds the decoded path, and a query string already encoded."""
    path, mark, query = address.partition("?")
    return quote(path, safe=PATH_SAFE) + mark + query


class HTTPPurgeBackend(HTTPBackend):
    """Wagtail's PURGE sender, except that a URL that fails in a way Wagtail does not catch
    (a dropped connection, a timeout while reading the answer) is logged and the rest of
    the batch is still sent."""

    def purge(self, url):
        try:
            super().purge(url)
        except Exception as error:
            logger.error("Couldn't purge %r from the CDN: %r", url, error)
