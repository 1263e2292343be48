"""Which requests the page cache may answer, and under which address.

Only the query parameters the public pages read are part of an address; any other
parameter (tracking tags, cache busters) is ignored, so `?utm_source=x` is served the
same stored page and cannot fill the cache with copies. A page is stored only under the
address its view declared (`masthead.pagecache.public.add_query`): `?older=` on a page
that does not page, or a cursor in another spelling, is served but never stored.
"""

from urllib.parse import parse_qsl, urlencode

from django.core.handlers.wsgi import get_path_info

# `older`: listings' cursor. The comment pages' (masthead/comments/views.py): `sort`,
# `after` (a thread's cursor), `replies` (one conversation), and the short-lived
# counts' `pages` and `ids`. Trending's (masthead/analytics/trending_views.py): `section`.
MEANINGFUL_PARAMETERS = frozenset({"older", "sort", "after", "replies", "pages", "ids", "section"})
# `/search/`: its addresses are as many as the queries anyone can type, so storing them
# would let a script fill the store; CDNs and browsers may still keep a result a minute.
NEVER_CACHED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/ads/", "/search/")
MAX_ADDRESS_LENGTH = 512
# WordPress's plain permalinks on the home page's address (`/?p=123`): after an import they
# redirect (masthead/wordpress_import/middleware.py), so Django must see them.
LEFT_TO_DJANGO_PARAMETERS = frozenset({"p", "page_id"})


def request_address(environ) -> str | None:
    """The cache address of a WSGI request, or None when the page cache must not answer it.

    PATH_INFO is latin-1 text of the path's bytes (PEP 3333); Django reads those bytes as
    UTF-8, and so does the address, or `/tag/zürich/` would be stored where no purge of
    that tag's page, and no nginx, would find it.
    """
    return page_address(get_path_info(environ), environ.get("QUERY_STRING", ""))


def page_address(path: str, query: str) -> str | None:
    """The cache address of a GET, or None when the page cache must not answer it."""
    if not path.startswith("/") or len(path) > MAX_ADDRESS_LENGTH:
        return None
    if path.startswith(NEVER_CACHED_PREFIXES) or "/." in path or "\x00" in path or "\\" in path:
        return None
    kept = {}
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in LEFT_TO_DJANGO_PARAMETERS and path == "/":
                return None
            if name in MEANINGFUL_PARAMETERS:
                kept[name] = value  # the last one wins, as in request.GET.get()
    address = address_with(path, canonical_query(kept))
    return address if len(address) <= MAX_ADDRESS_LENGTH else None


def canonical_query(parameters: dict[str, str]) -> str:
    return urlencode(sorted(parameters.items()))


def address_with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def path_of(address: str) -> str:
    return address.split("?", 1)[0]
