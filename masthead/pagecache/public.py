"""How a view says "this response is a public page": cache headers and cache keys.

Keys name what the page shows, so a purge can find it (`masthead.pagecache.keys`):
`keys.page(12)` for every page that shows article 12 (its own page, listings, the article
whose "Continue reading" names it), `keys.article(12)` for article 12's own page and
fragments only, `keys.LATEST` for the Latest stream, `keys.author(3)` for pages that
print author 3's name, and so on.

A view that reads a query parameter says so with `add_query`, in the spelling its links
print: the page cache stores a page only under the address its view declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings

from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.addresses import canonical_query
from masthead.pagecache.memory import WorkerMemory
from masthead.pagecache.wsgi import KEYS_HEADER, QUERY_HEADER, SECONDS_HEADER, STORE_FLAG


class PageKeys:
    """Keys worked out only when something needs them: the page cache storing the page,
    or a fragment being built. A fragment served from a cache tells them instead (they
    were kept with it), so a page rendered from cached fragments need not query for them.

    Give the same PageKeys to `add_keys` and to the page's `{% fragment ... keys=... %}`.
    """

    do_not_call_in_templates = True  # a template hands it to {% fragment %} uncalled

    def __init__(self, build: Callable[[], Iterable[str]]):
        self._build = build
        self._known: frozenset[str] | None = None

    def __call__(self) -> frozenset[str]:
        if self._known is None:
            self._known = frozenset(self._build())
        return self._known

    def know(self, keys: Iterable[str]) -> None:
        if self._known is None:
            self._known = frozenset(keys)


def add_keys(request, keys: Iterable[str] | Callable[[], Iterable[str]]) -> None:
    """Name what the page shows. A callable (or PageKeys) is called only when the page
    will be stored."""
    if not hasattr(request, "_masthead_cache_keys"):
        request._masthead_cache_keys = []
    request._masthead_cache_keys.append(keys)


def add_query(request, name: str, value: str) -> None:
    """Say the page was built from this query parameter, given in the one spelling the
    site's own links use. Without it the page is stored only for its bare path."""
    if not hasattr(request, "_masthead_cache_query"):
        request._masthead_cache_query = {}
    request._masthead_cache_query[name] = value


def _collected_keys(request) -> set[str]:
    keys = {cache_keys.SITE}
    storing = request.META.get(STORE_FLAG)
    for entry in getattr(request, "_masthead_cache_keys", []):
        if callable(entry):
            if storing:
                keys.update(entry())
        else:
            keys.update(entry)
    return keys


def keys_for_articles(articles) -> set[str]:
    """Keys for cards: the article, its section's title, its byline and credit."""
    keys = set()
    for article in articles:
        if article is None:
            continue
        keys.add(cache_keys.page(article.pk))
        if article.primary_section_id:
            keys.add(cache_keys.page(article.primary_section_id))
        if article.source_id:
            keys.add(cache_keys.source(article.source_id))
        for link in article.article_authors.all():
            keys.add(cache_keys.author(link.author_id))
    return keys


def mark_public(request, response):
    """Make a 200 page cacheable by the page cache, CDNs and browsers (with revalidation)."""
    if response.status_code != 200 or getattr(request, "is_preview", False):
        return response
    response["Cache-Control"] = settings.MASTHEAD_PUBLIC_CACHE_CONTROL

    def name_what_it_shows(rendered):
        rendered[KEYS_HEADER] = " ".join(sorted(_collected_keys(request)))
        rendered[QUERY_HEADER] = canonical_query(getattr(request, "_masthead_cache_query", {}))
        return rendered

    # A Wagtail page is a TemplateResponse rendered later: the parts its template adds
    # (a discussion under an article names its own key) are known only once it is.
    if getattr(response, "is_rendered", True):
        return name_what_it_shows(response)
    response.add_post_render_callback(name_what_it_shows)
    return response


def mark_short_lived(request, response, *, seconds: int):
    """For a number that changes many times a second (views, likes, comment counts,
    Trending, a campaign's progress): kept by the page cache, CDNs and browsers for
    `seconds`, then asked again, and never purged by a key (docs/architecture.md,
    "Invalidation rules"). Only a purge of everything removes it sooner."""
    if response.status_code != 200 or getattr(request, "is_preview", False):
        return response
    response["Cache-Control"] = f"public, max-age={seconds}"
    response[KEYS_HEADER] = cache_keys.SITE
    response[SECONDS_HEADER] = str(seconds)
    response[QUERY_HEADER] = canonical_query(getattr(request, "_masthead_cache_query", {}))
    return response


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_public(request, view(request, *args, **kwargs))

    return wrapper


# Which restrictions (password, login, groups) apply to a page: asked by Wagtail on every
# serve, and changed only by an edit that purges everything.
_view_restrictions = WorkerMemory("view-restrictions", max_entries=1000)


class PublicPageMixin:
    """For Wagtail page types readers see.

    Pages behind a login or password are never stored: only a reader with a session
    cookie can see them, and the page cache does not answer requests that carry one.
    """

    def serve(self, request, *args, **kwargs):
        return mark_public(request, super().serve(request, *args, **kwargs))

    def get_view_restrictions(self):
        return restrictions_queryset(
            fragments.remember(
                _view_restrictions, self.path, lambda: list(super(PublicPageMixin, self).get_view_restrictions())
            )
        )


def restrictions_queryset(restrictions: list):
    """Remembered view restrictions as Wagtail hands them out: still a queryset for the
    admin's privacy views (which order it and query again), but iterating it, as Wagtail
    does on every serve, reads the remembered rows."""
    from wagtail.models import PageViewRestriction

    if restrictions:
        queryset = PageViewRestriction.objects.filter(pk__in=[restriction.pk for restriction in restrictions])
    else:
        queryset = PageViewRestriction.objects.none()
    queryset._result_cache = restrictions
    return queryset
