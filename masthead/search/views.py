"""The search page: `/search/?q=harbour+strike&section=3&since=2026-01-01&order=newest`."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.core import ratelimit
from masthead.core.client import client_ip
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.public import add_keys, keys_for_articles, mark_public
from masthead.search import selectors
from masthead.search.forms import SearchForm

# A search is the one reader page no cache can answer in advance: generous for a person,
# a wall for a script walking the archive through it.
SEARCHES_PER_IP = 60
SEARCH_WINDOW_SECONDS = 60
# The fields inside "Filters and order": opened when one of them is wrong.
FILTERS = ("section", "author", "since", "until", "order")


@require_safe
def search(request):
    sections = selectors.filter_sections()
    form = SearchForm(request.GET if "q" in request.GET else None, sections=sections)
    context = {"form": form, "results": None, "suggestions": None, "query": None, "filter_errors": False}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        context["filter_errors"] = any(name in form.errors for name in FILTERS)
    elif form.is_bound and (query := form.search_query()) is not None:
        if not ratelimit.allow(
            "search-ip", client_ip(request), limit=SEARCHES_PER_IP, window_seconds=SEARCH_WINDOW_SECONDS
        ):
            response = render(request, "search/search.html", {**context, "too_many": True}, status=429)
            response["Retry-After"] = str(ratelimit.retry_after(SEARCH_WINDOW_SECONDS))
            return response
        results = selectors.search_articles(query=query, page=form.cleaned_data.get("page") or 1)
        context.update(query=query, results=results)
        keys = {cache_keys.LATEST, *_keys_for_hits(results.hits)}
        if not results.total:
            context["suggestions"] = suggestions = selectors.no_results_suggestions(query=query)
            keys |= keys_for_articles(suggestions.latest)
        # New articles may match: any publish (LATEST) retires a kept copy, as do edits of
        # the articles shown.
        add_keys(request, keys)
    return mark_public(request, render(request, "search/search.html", context, status=status))


def _keys_for_hits(hits) -> set[str]:
    """The keys a card of each result would carry (pagecache.public.keys_for_articles):
    its article, section, source and authors."""
    keys = set()
    for hit in hits:
        keys.add(cache_keys.page(hit.article_id))
        if hit.section_id:
            keys.add(cache_keys.page(hit.section_id))
        if hit.source_id:
            keys.add(cache_keys.source(hit.source_id))
        keys.update(cache_keys.author(author_id) for author_id, _ in hit.authors)
    return keys
