"""Reads for the reader site: every listing is one query plus fixed prefetches.

Listings page by a cursor on (published_at, id) rather than OFFSET, so page 500 costs
the same as page 1 and a newly published article does not shift the pages under a reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.functional import SimpleLazyObject
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from masthead.core.models import NewsImage
from masthead.news.models import ArticleAuthor, ArticlePage, Author, SectionPage
from masthead.news.pagination import Cursor

# Pictures go out as WebP at two widths (srcset): exactly the renditions the templates'
# srcset_image tags ask for, prefetched with a listing so that no card adds a query.
CARD_RENDITIONS = ("fill-640x360-c80|format-webp", "fill-320x180-c80|format-webp")
LEAD_RENDITIONS = ("fill-1200x675-c80|format-webp", "fill-640x360-c80|format-webp")
STREAM_PAGE_SIZE = 20
STAFF_PICKS_RAIL_SIZE = 5
SECTION_BLOCK_SIZE = 4


@dataclass(frozen=True)
class StreamPage:
    articles: list[ArticlePage]
    older_cursor: str
    is_first: bool


def readable_articles() -> QuerySet:
    """Published articles anyone may read: not drafts, not behind a login or password."""
    return ArticlePage.objects.live().public()


def articles_for_cards(queryset: QuerySet | None = None, *, renditions: tuple[str, ...] = CARD_RENDITIONS) -> QuerySet:
    """Live articles with what a card shows: image, section, byline and credit."""
    if queryset is None:
        queryset = readable_articles()
    return queryset.select_related("primary_section", "source").prefetch_related(
        Prefetch("featured_image", queryset=NewsImage.objects.prefetch_renditions(*renditions)),
        Prefetch(
            "article_authors",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
        ),
    )


def newest_first(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("-published_at", "-page_ptr_id")


def article_stream(
    *,
    cursor: str = "",
    section: SectionPage | None = None,
    tag_slug: str | None = None,
    author: Author | None = None,
    staff_picks: bool = False,
    page_size: int = STREAM_PAGE_SIZE,
) -> StreamPage:
    """One page of a chronological listing, older than the cursor when one is given."""
    queryset = readable_articles()
    if section is not None:
        secondary = ArticlePage.secondary_sections.through.objects.filter(sectionpage=section).values("articlepage_id")
        queryset = queryset.filter(Q(primary_section=section) | Q(pk__in=secondary))
    if tag_slug is not None:
        queryset = queryset.filter(tagged_items__tag__slug=tag_slug)
    if author is not None:
        queryset = queryset.filter(article_authors__author=author)
    if staff_picks:
        # Picks the editors ordered lead the first page (staff_picks_rail); the stream
        # pages through the others.
        queryset = queryset.filter(is_staff_pick=True, staff_pick_order__isnull=True)
    if cursor:
        position = Cursor.decode(cursor)
        queryset = older_than(queryset, published_at=position.published_at, pk=position.pk)
    articles = list(newest_first(articles_for_cards(queryset))[: page_size + 1])
    older_cursor = ""
    if len(articles) > page_size:
        articles = articles[:page_size]
        last = articles[-1]
        older_cursor = Cursor(published_at=last.published_at, pk=last.pk).encode()
    return StreamPage(articles=articles, older_cursor=older_cursor, is_first=not cursor)


def ordered_staff_picks() -> list[ArticlePage]:
    """The picks editors put in order, in that order (a short, hand-kept list)."""
    queryset = articles_for_cards(readable_articles().filter(is_staff_pick=True, staff_pick_order__isnull=False))
    return list(queryset.order_by("staff_pick_order", "-published_at", "-page_ptr_id")[:50])


def staff_picks_rail(*, limit: int = STAFF_PICKS_RAIL_SIZE) -> list[ArticlePage]:
    queryset = articles_for_cards(readable_articles().filter(is_staff_pick=True))
    return list(queryset.order_by(F("staff_pick_order").asc(nulls_last=True), "-published_at", "-page_ptr_id")[:limit])


def section_blocks(*, per_section: int = SECTION_BLOCK_SIZE) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """The newest articles of each home-page section, in one query for all sections."""
    sections = list(SectionPage.objects.live().public().filter(show_on_home=True).order_by("path"))
    if not sections:
        return []
    ranked = (
        readable_articles()
        .filter(primary_section__in=sections)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("primary_section"),
                order_by=[F("published_at").desc(), F("page_ptr_id").desc()],
            )
        )
        .filter(rank__lte=per_section)
    )
    by_section: dict[int, list[ArticlePage]] = {section.pk: [] for section in sections}
    for article in newest_first(articles_for_cards(ranked)):
        by_section[article.primary_section_id].append(article)
    return [(section, by_section[section.pk]) for section in sections if by_section[section.pk]]


def home_page_content(*, home) -> dict:
    # The lead is usually the newest article, so one query serves the lead and the stream.
    renditions = (*LEAD_RENDITIONS, *CARD_RENDITIONS)
    # One more than the lead and the stream, to know whether an "older" page exists.
    latest = list(newest_first(articles_for_cards(renditions=renditions))[: home.latest_count + 2])
    lead = None
    if home.lead_story_id:
        lead = next((a for a in latest if a.pk == home.lead_story_id), None)
        if lead is None:
            lead = articles_for_cards(renditions=LEAD_RENDITIONS).filter(pk=home.lead_story_id).first()
    if lead is None and latest:
        lead = latest[0]
    rest = [article for article in latest if lead is None or article.pk != lead.pk]
    stream = rest[: home.latest_count]
    older_cursor = ""
    if len(rest) > len(stream):
        older_cursor = Cursor(published_at=stream[-1].published_at, pk=stream[-1].pk).encode()
    return {
        "lead": lead,
        "latest": stream,
        "latest_older_cursor": older_cursor,
        "section_blocks": section_blocks(),
        "staff_picks": staff_picks_rail(),
    }


def older_than(queryset: QuerySet, *, published_at, pk: int) -> QuerySet:
    """Articles after (published_at, pk) in newest-first order.

    The first condition repeats what the second implies: PostgreSQL can start its scan of
    the (published_at, id) index there, where the OR alone makes it walk every newer
    article first (20 ms at 100,000 articles instead of under one).
    """
    return queryset.filter(
        Q(published_at__lte=published_at),
        Q(published_at__lt=published_at) | Q(published_at=published_at, page_ptr_id__lt=pk),
    )


def next_older_article(*, article: ArticlePage) -> ArticlePage | None:
    """The article after this one in the Latest stream, for "Continue reading"."""
    queryset = older_than(readable_articles(), published_at=article.published_at, pk=article.pk)
    return newest_first(queryset).select_related("primary_section").first()


def next_newer_article(*, article: ArticlePage) -> ArticlePage | None:
    """The article whose "Continue reading" leads to this one (see older_than)."""
    queryset = readable_articles().filter(
        Q(published_at__gte=article.published_at),
        Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, page_ptr_id__gt=article.pk),
    )
    return queryset.order_by("published_at", "page_ptr_id").first()


def embeds_for(*, article: ArticlePage) -> dict[str, Embed]:
    """Stored oEmbed answers for the article's embed blocks, keyed by URL, in one query."""
    urls = [block.value["url"] for block in article.body if block.block_type == "embed"]
    if not urls:
        return {}
    hashes = {get_embed_hash(url): url for url in urls}
    return {hashes[embed.hash]: embed for embed in Embed.objects.filter(hash__in=hashes)}


def article_page_content(*, article: ArticlePage) -> dict:
    """What an article page shows besides the page itself, read only if the page's
    cached fragment is missing (each value is lazy)."""
    return {
        "author_links": SimpleLazyObject(
            lambda: list(ArticleAuthor.objects.filter(article=article).select_related("author").order_by("sort_order"))
        ),
        "tags": SimpleLazyObject(lambda: list(article.tags.all())),
        "embeds": SimpleLazyObject(lambda: embeds_for(article=article)),
        "next_article": SimpleLazyObject(lambda: next_older_article(article=article)),
    }


def article_page_cache_keys(*, article: ArticlePage, content: dict) -> set[str]:
    """What an article page shows besides itself: names, tags, section, the next title."""
    keys = {f"page-{article.pk}", f"article-{article.pk}", f"page-{article.primary_section_id}"}
    keys.update(f"author-{link.author_id}" for link in content["author_links"])
    keys.update(f"tag-{tag.pk}" for tag in content["tags"])
    if article.source_id:
        keys.add(f"source-{article.source_id}")
    next_article = content["next_article"]
    if next_article:  # a lazy object: test its value, not the wrapper
        keys.add(f"page-{next_article.pk}")
    return keys
