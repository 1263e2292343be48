"""Reads for site search: articles found by words, through Wagtail's search backend.

The backend is Wagtail's database backend: SQLite's FTS5 in the embedded default,
PostgreSQL's full-text search in the scale-out mode (decision 0019). Its index is kept by
Wagtail's own task after each save (`modelsearch.tasks`), so an edit never waits for it.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from masthead.core.privacy import NOTHING_PRIVATE, private_q
from masthead.news import selectors as news_selectors
from masthead.news.models import ArticleAuthor, ArticlePage, SectionPage, block_text
from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory
from masthead.pagecache.public import keys_for_articles
from masthead.search.backends import Words
from masthead.search.highlighting import highlight, matcher, snippet

PAGE_SIZE = 10
# Nobody reads the 50th page of results; a deeper page is refused with a message rather
# than making the database count past half a thousand ranked rows.
MAX_PAGES = 50
MAX_RESULTS = MAX_PAGES * PAGE_SIZE
MAX_TERMS = 10
MAX_TERM_LENGTH = 40
SUGGESTED_ARTICLES = 5
# The commonest English function words (a subset of PostgreSQL's English stop words).
# fmt: off
SMALL_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "they",
    "this", "to", "was", "we", "were", "will", "with", "you",
))
# fmt: on
# Words only: FTS5 and tsquery operators, quotes and brackets are never passed on, so no
# query can be a syntax error in either engine.
WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]
    match_any: bool = False
    section: SectionChoice | SectionPage | None = None
    author_slug: str | None = None
    since: date | None = None
    until: date | None = None
    newest_first: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.section or self.author_slug or self.since or self.until)


@dataclass(frozen=True)
class SectionChoice:
    """A section a search can be narrowed to: what the form and the filter need of it."""

    pk: int
    title: str
    depth: int


@dataclass(frozen=True)
class Hit:
    """One result as the page shows it, read as plain columns: ten ArticlePages with their
    sections and bylines cost more to build than the whole search costs to run."""

    article_id: int
    url: str
    title: str
    headline: SafeString  # the title, escaped, its matching words marked
    snippet: SafeString
    published_at: datetime
    section_id: int | None
    section_title: str
    section_url: str | None
    source_id: int | None
    source_name: str
    original_author: str
    authors: tuple[tuple[int, str], ...]  # (author id, name), in the byline's order

    @property
    def author_names(self) -> list[str]:
        return [name for _, name in self.authors]


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int  # at most MAX_RESULTS
    more: bool  # more than MAX_RESULTS match
    page: int
    page_count: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.hits) - 1


@dataclass(frozen=True)
class Suggestions:
    """What a page without results offers instead."""

    any_words_total: int
    unfiltered_total: int
    latest: list[ArticlePage]


def query_terms(text: str) -> tuple[str, ...]:
    """The words of what the reader typed, each once, in order, at most MAX_TERMS; small
    words ("of", "the") left out unless there is nothing else, as PostgreSQL's English
    configuration does, so "mayor of aldmere" finds "Aldmere's mayor" in either mode."""
    terms = tuple(dict.fromkeys(word.casefold()[:MAX_TERM_LENGTH] for word in WORD.findall(text)))
    meaningful = tuple(term for term in terms if term not in SMALL_WORDS)
    return (meaningful or terms)[:MAX_TERMS]


def search_articles(*, query: SearchQuery, page: int = 1) -> SearchResults:
    """One page of the articles that match, best first (headline matches weigh most) or
    newest first. A page past the last is empty, with the true page count."""
    total = _count(query)
    found = _search(query, few=total <= MAX_RESULTS)
    start = (page - 1) * PAGE_SIZE
    ids = [article.pk for article in found[start : start + PAGE_SIZE]] if start < total else []
    return SearchResults(
        hits=_hits(ids, query.terms),
        total=min(total, MAX_RESULTS),
        more=total > MAX_RESULTS,
        page=page,
        page_count=math.ceil(min(total, MAX_RESULTS) / PAGE_SIZE),
    )


def no_results_suggestions(*, query: SearchQuery) -> Suggestions:
    """A search that found nothing: how many any one of the words would find, how many
    the words would find without the filters, and the latest articles to read instead."""
    any_words_total = 0
    if not query.match_any and len(query.terms) > 1:
        any_words_total = _count(replace(query, match_any=True))
    unfiltered_total = 0
    if query.is_filtered:
        unfiltered_total = _count(SearchQuery(terms=query.terms, match_any=query.match_any))
    latest = fragments.remember(_latest_suggestions, "latest", _latest_articles, keys=keys_for_articles_shown)
    return Suggestions(any_words_total=any_words_total, unfiltered_total=unfiltered_total, latest=latest)


# The same few articles for every search that finds nothing, until one is published (the
# LATEST key) or one of them changes: a third of such a search's time at 100,000 articles.
_latest_suggestions = WorkerMemory("search-latest", max_entries=1)


def _latest_articles() -> list[ArticlePage]:
    rows = news_selectors.newest_first(news_selectors.card_rows())
    return list(rows.prefetch_related(news_selectors.byline_prefetch())[:SUGGESTED_ARTICLES])


def keys_for_articles_shown(articles: list[ArticlePage]) -> set[str]:
    return {cache_keys.LATEST, *keys_for_articles(articles)}


def filter_sections() -> list[SectionChoice]:
    """The sections a search can be narrowed to: every public one, in the tree's order.
    Kept in this worker until one of them changes or a section is published (which
    purges the home page's key); a change of privacy purges everything."""
    return fragments.remember(_filter_sections, "public", _public_sections, keys=_filter_sections_keys)


_filter_sections = WorkerMemory("search-sections", max_entries=2)


def _public_sections() -> list[SectionChoice]:
    sections = SectionPage.objects.live()
    private = private_q()  # the restrictions workers remember: no query of its own
    if private != NOTHING_PRIVATE:
        sections = sections.exclude(private)
    return [SectionChoice(*row) for row in sections.order_by("path").values_list("id", "title", "depth")]


def _filter_sections_keys(sections: list[SectionChoice]) -> set[str]:
    return {cache_keys.HOME, *(cache_keys.page(section.pk) for section in sections)}


def _count(query: SearchQuery) -> int:
    """How many match, counted up to one past MAX_RESULTS: counting every match of a
    common word would cost more than the page itself, for a number no reader pages to.
    Unranked, so nothing is sorted to count."""
    return _search(query, counting=True)[: MAX_RESULTS + 1].count()


def _search(query: SearchQuery, *, counting: bool = False, few: bool | None = None):
    articles = news_selectors.readable_articles().only("pk")
    if query.section is not None:
        articles = articles.filter(primary_section_id=query.section.pk)
    if query.author_slug:
        bylined = ArticleAuthor.objects.filter(author__slug=query.author_slug).values("article_id")
        articles = articles.filter(id__in=bylined)
    if query.since:
        articles = articles.filter(published_at__gte=_day_start(query.since))
    if query.until:
        articles = articles.filter(published_at__lt=_day_start(query.until + timedelta(days=1)))
    if counting:
        articles = articles.order_by()  # not the tree's order: a count needs none
    elif query.newest_first:
        articles = articles.order_by("-published_at")
    words = Words(" ".join(query.terms), operator="or" if query.match_any else "and", few=few)
    ranked = not (counting or query.newest_first)
    return get_search_backend().search(words, articles, order_by_relevance=ranked)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _hits(ids: list[int], terms: tuple[str, ...]) -> list[Hit]:
    """The page's results in the ranking's order, from two narrow queries: the articles'
    columns with their section's and source's, and their bylines. The body is read as
    its stored blocks, never turned into block values (only the snippet needs it)."""
    if not ids:
        return []
    rows = {
        row[0]: row
        for row in ArticlePage.objects.filter(pk__in=ids).values_list(
            "pk",
            "title",
            "url_path",
            "standfirst",
            "body",
            "published_at",
            "primary_section_id",
            "primary_section__title",
            "primary_section__url_path",
            "source_id",
            "source__name",
            "original_author",
        )
    }
    authors: dict[int, list[tuple[int, str]]] = {}
    for article_id, author_id, name in (
        ArticleAuthor.objects.filter(article_id__in=ids)
        .order_by("article_id", "sort_order", "pk")
        .values_list("article_id", "author_id", "author__name")
    ):
        authors.setdefault(article_id, []).append((author_id, name))
    roots = Site.get_site_root_paths()
    pattern = matcher(terms)
    hits = []
    for pk in ids:
        if pk not in rows:
            continue
        _, title, url_path, standfirst, body, published_at, section_id, section_title, section_path, *credit = rows[pk]
        source_id, source_name, original_author = credit
        url = news_selectors.public_path(url_path, roots)
        if url is None:
            continue  # outside every site: no address to link to
        hits.append(
            Hit(
                article_id=pk,
                url=url,
                title=title,
                headline=highlight(title, terms, pattern=pattern),
                snippet=snippet(_text_with_a_match(standfirst, body, pattern), terms, fallback=standfirst),
                published_at=published_at,
                section_id=section_id,
                section_title=section_title or "",
                section_url=news_selectors.public_path(section_path, roots) if section_path else None,
                source_id=source_id,
                source_name=source_name or "",
                original_author=original_author or "",
                authors=tuple(authors.get(pk, ())),
            )
        )
    return hits


def _text_with_a_match(standfirst: str, body, pattern) -> str:
    """The article's plain text from the standfirst up to the body block with the first
    match, and the block after it for the snippet to run on (all of it when none has one):
    reading the whole of ten long bodies on every page of results is most of the page's
    time."""
    parts = [standfirst]
    found = pattern is not None and pattern.search(standfirst)
    for block in body.raw_data:
        text = plain_text(block_text(block["type"], block["value"]))
        if text:
            parts.append(text)
        if found:
            break
        found = pattern is not None and pattern.search(text)
    return " ".join(parts).strip()


def plain_text(markup: str) -> str:
    """Rich text as words: tags dropped, entities decoded. The markup is the editors' own,
    saved by Wagtail's rich text editor, and what comes out is escaped where it is shown."""
    return html.unescape(TAG.sub("", markup)).strip() if "<" in markup or "&" in markup else markup.strip()
