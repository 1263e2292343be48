"""Purge a CDN in front of Masthead on the same events as the page cache.

The page cache knows which addresses each purge removed (its index is by cache key), so
the CDN is told about exactly those pages, as full URLs under SITE_URL, through the
backends of Wagtail's frontend cache (`WAGTAILFRONTENDCACHE`, set from
MASTHEAD_CDN_PURGE_URL). They are sent from a task, so a slow or unreachable CDN never
holds up the editor's request; an address the CDN could not take is kept and retried by
the worker (masthead.pagecache.pending), and a PURGE sent twice is harmless.

With the page cache off there is no index: the CDN then keeps a page at most for the
`s-maxage` in MASTHEAD_PUBLIC_CACHE_CONTROL.
"""

from __future__ import annotations

import logging
from urllib.error import HTTPError
from urllib.parse import quote, urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest

logger = logging.getLogger(__name__)

# RFC 3986 characters a path may carry as they are; the rest ("ü", "%", a space) are
# percent-encoded, as a browser asks for them and as the CDN keeps them.
PATH_SAFE = "/!$&'()*+,;=:@"
PURGE_TIMEOUT_SECONDS = 10
# Answers that say the CDN could not purge now but may later. Any other 4xx is the
# request's own fault (a 404 from nginx's cache purge only means "not cached"): retrying
# it would never help.
RETRYABLE_STATUS = {408, 429}


def purge_addresses(addresses) -> None:
    """Queue a purge of these addresses at the CDN (from the task worker)."""
    if not settings.WAGTAILFRONTENDCACHE or not addresses:
        return
    from masthead.pagecache.tasks import purge_cdn

    purge_cdn.enqueue(sorted(addresses))


def send(addresses) -> dict[str, str]:
    """PURGE these addresses at every configured CDN now; returns those that failed, each
    with why. One address failing does not keep the others from being sent."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    urls = {settings.SITE_URL + as_url_path(address): address for address in addresses}
    failed: dict[str, str] = {}
    if not urls:
        return failed
    for name, backend in get_backends().items():
        wanted = [url for url in sorted(urls) if backend.invalidates_hostname(urlsplit(url).netloc)]
        try:
            backend.purge_batch(wanted)
        except Exception as error:  # a backend without per-URL reports failed as a whole
            logger.error("CDN %r could not purge %d addresses: %r", name, len(wanted), error)
            failed.update({urls[url]: f"{name}: {error!r}" for url in wanted})
            continue
        for url, why in getattr(backend, "failures", {}).items():
            failed[urls[url]] = f"{name}: {why}"
    return failed


def as_url_path(address: str) -> str:
    """An address holds the decoded path, and a query string already encoded."""
    path, mark, query = address.partition("?")
    return quote(path, safe=PATH_SAFE) + mark + query


class HTTPPurgeBackend(HTTPBackend):
    """Wagtail's PURGE sender, except that it reports what failed instead of only logging
    it (Wagtail's own swallows a refused connection, so a CDN that is down would look
    purged), waits a bounded time for an answer, and sends the rest of the batch after
    one URL failed. `failures` maps each URL that may succeed later to why it failed."""

    def __init__(self, params):
        super().__init__(params)
        self.failures: dict[str, str] = {}

    def purge(self, url):
        parsed = urlsplit(url)
        host = parsed.hostname + (f":{parsed.port}" if parsed.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parsed.path, parsed.query, parsed.fragment]),
            headers={"Host": host, "User-Agent": f"Wagtail-frontendcache/{wagtail_version}"},
        )
        try:
            urlopen(request, timeout=PURGE_TIMEOUT_SECONDS).close()  # noqa: S310 - the operator's CDN address
        except HTTPError as error:
            error.close()
            if error.code >= 500 or error.code in RETRYABLE_STATUS:
                self.failures[url] = f"HTTP {error.code} {error.reason}"
            if error.code != 404:
                logger.error("Couldn't purge %r from the CDN: HTTP %d %s", url, error.code, error.reason)
        except Exception as error:  # refused, reset, timed out: the CDN may answer later
            self.failures[url] = repr(error)
            logger.error("Couldn't purge %r from the CDN: %r", url, error)
