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

from django.conf import settings


def purge_addresses(addresses) -> None:
    if not settings.WAGTAILFRONTENDCACHE or not addresses:
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(sorted(settings.SITE_URL + address for address in addresses))
