"""Listing pages that are not Wagtail pages: Latest, Staff Picks, tags, authors.

Thin views: the reads are in selectors, the markup in templates.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from taggit.models import Tag

from masthead.news import feeds, selectors
from masthead.news.models import Author
from masthead.news.pagination import BROKEN_OLDER_LINK, MAX_ID, InvalidCursor
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.public import PageKeys, add_keys, add_query, keys_for_articles, public_page


def older_stream(request, **filters) -> selectors.StreamPage:
    """The listing page the request's `older` cursor asks for (raises InvalidCursor).
    A valid cursor has one spelling, the one read: the page cache keeps it."""
    cursor = request.GET.get("older", "")
    stream = selectors.article_stream(cursor=cursor, **filters)
    if cursor:
        add_query(request, "older", cursor)
    return stream


def broken_older_link(request):
    return render(request, "400.html", {"reason": BROKEN_OLDER_LINK}, status=400)


def _stream_or_400(request, template, context, *, list_key: str, **filters):
    try:
        stream = older_stream(request, **filters)
    except InvalidCursor:
        return broken_older_link(request)
    add_keys(request, {list_key, *keys_for_articles(stream.articles)})
    return render(request, template, {**context, "stream": stream})


@require_safe
@public_page
def latest(request):
    return _stream_or_400(request, "news/latest.html", {"heading": "Latest"}, list_key=cache_keys.LATEST)


@require_safe
@public_page
def staff_picks(request):
    ordered = [] if request.GET.get("older") else selectors.ordered_staff_picks()
    add_keys(request, keys_for_articles(ordered))
    return _stream_or_400(
        request,
        "news/latest.html",
        {"heading": "Staff Picks", "leading": ordered},
        list_key=cache_keys.STAFF_PICKS,
        staff_picks=True,
    )


@require_safe
@public_page
def tag(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    add_keys(request, {cache_keys.tag(tag.pk)})
    return _stream_or_400(
        request,
        "news/tag.html",
        {"tag": tag, "heading": tag.name},
        list_key=cache_keys.tag_listing(tag.slug),
        tag_slug=tag.slug,
    )


@require_safe
@public_page
def author(request, slug: str):
    author = get_object_or_404(Author.objects.select_related("photo").prefetch_related("links"), slug=slug)
    add_keys(request, {cache_keys.author(author.pk)})
    return _stream_or_400(
        request,
        "news/author.html",
        {"author": author, "heading": author.name},
        list_key=cache_keys.author_listing(author.pk),
        author=author,
    )


@require_safe
@public_page
def article_fragment(request, pk: int):
    """The article as appended by infinite scroll: a cacheable piece of HTML."""
    if pk > MAX_ID:
        raise Http404("No such article")
    article = (
        selectors.readable_articles()
        .select_related("primary_section", "source", "featured_image")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404("No such article")
    content = selectors.article_page_content(article=article)
    page_keys = PageKeys(lambda: selectors.article_page_cache_keys(article=article, content=content))
    add_keys(request, page_keys)
    context = {"page": article, "is_fragment": True, "page_keys": page_keys, **content}
    return render(request, "news/includes/article_fragment.html", context)


_section_rss = feeds.SectionFeed()
_section_atom = feeds.atom(feeds.SectionFeed)()


@require_safe
def section_feed(request, section: str, atom: bool = False):
    """`/<section>/feed/`: the section's feed, or, when no section has that feed, the
    page Wagtail keeps at that address (an article whose slug is "feed")."""
    page = feeds.section_with_feed(section)
    if page is None:
        from wagtail.views import serve

        return serve(request, request.path_info.lstrip("/"))
    return (_section_atom if atom else _section_rss)(request, section=page)
