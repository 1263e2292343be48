"""Which requests the page cache may answer, and under which address.

Only the query parameters the public pages read are part of an address; any other
parameter (tracking tags, cache busters) is ignored, so `?utm_source=x` is served the
same stored page and cannot fill the cache with copies.
"""

from urllib.parse import parse_qsl, urlencode

MEANINGFUL_PARAMETERS = frozenset({"older"})
NEVER_CACHED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/ads/")
MAX_ADDRESS_LENGTH = 512


def page_address(path: str, query: str) -> str | None:
    """The cache address of a GET, or None when the page cache must not answer it."""
    if not path.startswith("/") or len(path) > MAX_ADDRESS_LENGTH:
        return None
    if path.startswith(NEVER_CACHED_PREFIXES) or "/." in path or "\x00" in path or "\\" in path:
        return None
    kept = {}
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in MEANINGFUL_PARAMETERS:
                kept[name] = value  # the last one wins, as in request.GET.get()
    if not kept:
        return path
    address = path + "?" + urlencode(sorted(kept.items()))
    return address if len(address) <= MAX_ADDRESS_LENGTH else None


def path_of(address: str) -> str:
    return address.split("?", 1)[0]
