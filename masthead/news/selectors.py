"""Reads for the reader site: every listing is one query plus fixed prefetches.

Listings page by a cursor on (published_at, id) rather than OFFSET, so page 500 costs
the same as page 1 and a newly published article does not shift the pages under a reader.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber, TruncMonth
from django.utils.functional import SimpleLazyObject
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from masthead.core.models import NewsImage
from masthead.core.privacy import NOTHING_PRIVATE, private_q
from masthead.news.models import TOP_STORY_SLOTS, ArticleAuthor, ArticlePage, Author, SectionPage, SimplePage
from masthead.news.pagination import Cursor
from masthead.pagecache import keys as cache_keys

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


def readable_articles(*, private: Q | None = None) -> QuerySet:
    """Published articles anyone may read: not drafts, not behind a login or password.

    `private` is the condition for restricted sections (`privacy.private_q()`) when the
    caller has built it already for several listings.
    """
    if private is None:
        private = private_q()
    articles = ArticlePage.objects.live()
    # Excluding nothing still costs a lookup's compilation in every listing.
    return articles if private == NOTHING_PRIVATE else articles.exclude(private)


def articles_for_cards(queryset: QuerySet | None = None, *, renditions: tuple[str, ...] = CARD_RENDITIONS) -> QuerySet:
    """Live articles with what a card shows: image, section, byline and credit."""
    return card_rows(queryset).prefetch_related(*card_prefetches(renditions))


def card_rows(queryset: QuerySet | None = None) -> QuerySet:
    """The article rows of cards with their section and source, without the prefetches."""
    if queryset is None:
        queryset = readable_articles()
    return queryset.select_related("primary_section", "source")


def card_prefetches(renditions: tuple[str, ...]) -> list[Prefetch]:
    return [Prefetch("featured_image", queryset=NewsImage.objects.prefetch_renditions(*renditions)), byline_prefetch()]


def byline_prefetch() -> Prefetch:
    """A card's byline: its authors in their order, one query for a whole listing."""
    return Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"))


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
        # Picks the editors ordered lead the first page (ordered_staff_picks); the stream
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


def _staff_pick_rows(*, limit: int, private: Q | None = None) -> QuerySet:
    queryset = card_rows(readable_articles(private=private).filter(is_staff_pick=True))
    return queryset.order_by(F("staff_pick_order").asc(nulls_last=True), "-published_at", "-page_ptr_id")[:limit]


def _section_block_rows(
    *, per_section: int, exclude: Collection[int], private: Q | None = None
) -> list[tuple[SectionPage, list[ArticlePage]]]:
    if private is None:
        private = private_q()
    sections = list(SectionPage.objects.live().exclude(private).filter(show_on_home=True).order_by("path"))
    if not sections:
        return []
    ranked = (
        readable_articles(private=private)
        .filter(primary_section__in=sections)
        .exclude(pk__in=list(exclude))
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
    for article in newest_first(card_rows(ranked)):
        by_section[article.primary_section_id].append(article)
    return [(section, by_section[section.pk]) for section in sections if by_section[section.pk]]


@dataclass(frozen=True)
class FrontPage:
    """What the home page shows, each article once: the lead, the top stories, Staff
    Picks, Latest, then a block per section."""

    lead: ArticlePage | None
    top_stories: list[ArticlePage]
    staff_picks: list[ArticlePage]
    latest: list[ArticlePage]
    latest_older_cursor: str
    section_blocks: list[tuple[SectionPage, list[ArticlePage]]]

    @property
    def articles(self) -> list[ArticlePage]:
        shown = [self.lead] if self.lead else []
        shown += self.top_stories + self.staff_picks + self.latest
        return shown + [article for _, articles in self.section_blocks for article in articles]


def can_lead(article: ArticlePage) -> bool:
    """A story leads by default only with a picture and a byline (`has_byline` is
    annotated by the home page's queries)."""
    return article.featured_image_id is not None and article.has_byline


def home_page_content(*, home) -> FrontPage:
    """The front page in a fixed number of queries, whatever the editor chose.

    Rows come first without their images and bylines; the slots are filled and the
    repeats dropped in Python; then one prefetch serves every card. The section blocks'
    query leaves out what the page already shows, so a block is never emptied by it.
    """
    private = private_q()  # built once for every listing below
    window = TOP_STORY_SLOTS + 1 + STAFF_PICKS_RAIL_SIZE + home.latest_count + 1
    newest = list(_with_byline_flag(newest_first(card_rows(readable_articles(private=private))))[:window])
    pick_rows = _staff_pick_rows(limit=STAFF_PICKS_RAIL_SIZE + 1 + TOP_STORY_SLOTS, private=private)
    picks = list(_with_byline_flag(pick_rows))
    chosen_ids = [pk for pk in (home.lead_story_id, *home.chosen_top_story_ids()) if pk]
    chosen = _chosen_articles(chosen_ids, known=newest + picks, private=private)

    lead = chosen.get(home.lead_story_id) or next((a for a in newest if can_lead(a)), None)
    shown = {lead.pk} if lead else set()
    top_stories = _take(
        [chosen[pk] for pk in home.chosen_top_story_ids() if pk in chosen]
        + [a for a in newest if a.featured_image_id is not None],
        TOP_STORY_SLOTS,
        shown,
    )
    staff_picks = _take(picks, STAFF_PICKS_RAIL_SIZE, shown)
    unshown = [article for article in newest if article.pk not in shown]
    latest = _take(unshown, home.latest_count, shown)
    older_cursor = ""
    if len(unshown) > len(latest) and latest:
        older_cursor = Cursor(published_at=latest[-1].published_at, pk=latest[-1].pk).encode()
    blocks = _section_block_rows(per_section=SECTION_BLOCK_SIZE, exclude=shown, private=private)

    front = FrontPage(lead, top_stories, staff_picks, latest, older_cursor, blocks)
    prefetch_related_objects(front.articles, *card_prefetches((*LEAD_RENDITIONS, *CARD_RENDITIONS)))
    return front


def _with_byline_flag(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(has_byline=Exists(ArticleAuthor.objects.filter(article=OuterRef("pk"))))


def _chosen_articles(ids: list[int], *, known: list[ArticlePage], private: Q) -> dict[int, ArticlePage]:
    """The editor's choices that can be read, by id; a query only for those older than
    the rows already read (a chosen story usually is among the newest)."""
    found = {article.pk: article for article in known if article.pk in ids}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        readable = readable_articles(private=private).filter(pk__in=missing)
        found.update((article.pk, article) for article in _with_byline_flag(card_rows(readable)))
    return found


def _take(candidates: list[ArticlePage], count: int, shown: set[int]) -> list[ArticlePage]:
    """Up to `count` of the candidates not shown yet, in order; marks them as shown."""
    taken = []
    for article in candidates:
        if len(taken) == count:
            break
        if article.pk not in shown:
            taken.append(article)
            shown.add(article.pk)
    return taken


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
    """The article after this one in the Latest stream, for "Continue reading": what the
    link shows, its title and address (every column would cost more to compile than
    the query takes to run)."""
    if article.published_at is None:
        return None  # a draft in preview that was never published has no place in the stream yet
    queryset = older_than(readable_articles(), published_at=article.published_at, pk=article.pk)
    return newest_first(queryset).only("title", "url_path").first()


def next_newer_article(*, article: ArticlePage) -> ArticlePage | None:
    """The article whose "Continue reading" leads to this one (see older_than)."""
    if article.published_at is None:
        return None  # a draft or a scheduled article: no link leads to it yet
    queryset = readable_articles().filter(
        Q(published_at__gte=article.published_at),
        Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, page_ptr_id__gt=article.pk),
    )
    return queryset.order_by("published_at", "page_ptr_id").first()


def embeds_for(*, article: ArticlePage) -> dict[str, Embed]:
    """Stored oEmbed answers for the article's embed blocks, keyed by URL, in one query."""
    return embeds_for_articles([article])


def embeds_for_articles(articles: list[ArticlePage]) -> dict[str, Embed]:
    """The same for several articles (a full-text feed), still in one query."""
    urls = [block.value["url"] for article in articles for block in article.body if block.block_type == "embed"]
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
    keys = {cache_keys.page(article.pk), cache_keys.article(article.pk), cache_keys.page(article.primary_section_id)}
    keys.update(cache_keys.author(link.author_id) for link in content["author_links"])
    keys.update(cache_keys.tag(tag.pk) for tag in content["tags"])
    if article.source_id:
        keys.add(cache_keys.source(article.source_id))
    next_article = content["next_article"]
    if next_article:  # a lazy object: test its value, not the wrapper
        keys.add(cache_keys.page(next_article.pk))
    return keys


# Sitemaps (news/sitemaps.py): few columns, addresses from `url_path`, no page objects.


@dataclass(frozen=True)
class SitemapMonth:
    start: datetime.datetime
    count: int
    lastmod: datetime.datetime


def public_path(url_path: str, roots=None) -> str | None:
    """The address a page is served at, from its tree path, as Wagtail's `url` gives it
    (for pages under a site's root; None for pages outside every site). Pass `roots`
    (Site.get_site_root_paths(), a cache read) when converting many."""
    from wagtail.models import Site

    for root in roots if roots is not None else Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return "/" + url_path[len(root.root_path) :]
    return None


def _root_paths():
    from wagtail.models import Site

    return Site.get_site_root_paths()


def indexable_articles() -> QuerySet:
    """Readable articles whose canonical address is ours: not marked noindex, and not a
    syndicated copy whose canonical is the original (a sitemap lists canonical addresses only)."""
    return readable_articles().filter(noindex=False).exclude(source__canonical_to_original=True, original_url__gt="")


def sitemap_months() -> list[SitemapMonth]:
    """Months with readable articles, newest first: how many, and the latest publish."""
    rows = (
        indexable_articles()
        .annotate(month=TruncMonth("published_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(count=Count("pk"), lastmod=Max("last_published_at"))
        .order_by("-month")
    )
    return [SitemapMonth(row["month"], row["count"], row["lastmod"]) for row in rows if row["month"]]


def _month_range(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=datetime.UTC)
    return start, end


def sitemap_articles_in_month(year: int, month: int, *, offset: int, limit: int) -> list[tuple[str, object]]:
    """(address, last publish) of the month's readable articles, oldest first."""
    start, end = _month_range(year, month)
    rows = (
        indexable_articles()
        .filter(published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")
        .values_list("url_path", "last_published_at")[offset : offset + limit]
    )
    roots = _root_paths()
    return [(path, lastmod) for url_path, lastmod in rows if (path := public_path(url_path, roots))]


def sitemap_recent_articles(*, since, limit: int) -> list[tuple[str, str, object]]:
    """(address, headline, published at) of readable articles published since `since`."""
    rows = newest_first(indexable_articles().filter(published_at__gte=since)).values_list(
        "url_path", "title", "published_at"
    )[:limit]
    roots = _root_paths()
    return [(path, title, published) for url_path, title, published in rows if (path := public_path(url_path, roots))]


def sitemap_listing_paths() -> list[str]:
    """The home page, Latest, Staff Picks, public sections and simple pages (those not
    hidden from search engines), and the pages of authors and tags that have readable
    articles."""
    from django.urls import reverse
    from taggit.models import Tag

    paths = ["/", reverse("news:latest"), reverse("news:staff_picks")]
    sections = SectionPage.objects.live().public().order_by("path").values_list("url_path", flat=True)
    paths += [path for url_path in sections if (path := public_path(url_path))]
    simple = (
        SimplePage.objects.live().public().filter(noindex=False).order_by("path").values_list("url_path", flat=True)
    )
    paths += [path for url_path in simple if (path := public_path(url_path))]
    readable = readable_articles()
    authors = (
        Author.objects.filter(Exists(ArticleAuthor.objects.filter(author=OuterRef("pk"), article__in=readable)))
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    paths += [reverse("news:author", args=[slug]) for slug in authors]
    tags = (
        Tag.objects.filter(
            Exists(ArticlePage.tags.through.objects.filter(tag=OuterRef("pk"), content_object__in=readable))
        )
        .exclude(slug="")  # a tag without an address has no page to list
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    paths += [reverse("news:tag", args=[slug]) for slug in tags]
    return paths
