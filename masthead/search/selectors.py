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
from wagtail.search.backends import get_search_backend

from masthead.core.privacy import NOTHING_PRIVATE, private_q
from masthead.news import selectors as news_selectors
from masthead.news.models import ArticleAuthor, ArticlePage, SectionPage, block_text
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
    section: SectionPage | None = None
    author_slug: str | None = None
    since: date | None = None
    until: date | None = None
    newest_first: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.section or self.author_slug or self.since or self.until)


@dataclass(frozen=True)
class Hit:
    article: ArticlePage
    headline: SafeString
    snippet: SafeString


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
    # The ranking sorts narrow rows (ids); the results' columns are read for one page only,
    # without pictures (results show none).
    cards = (
        news_selectors.card_rows(ArticlePage.objects.filter(pk__in=ids))
        .prefetch_related(news_selectors.byline_prefetch())
        .in_bulk()
    )
    articles = [cards[pk] for pk in ids if pk in cards]
    return SearchResults(
        hits=[_hit(article, query.terms) for article in articles],
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
    latest = list(
        news_selectors.newest_first(news_selectors.card_rows()).prefetch_related(news_selectors.byline_prefetch())[
            :SUGGESTED_ARTICLES
        ]
    )
    return Suggestions(any_words_total=any_words_total, unfiltered_total=unfiltered_total, latest=latest)


def filter_sections() -> list[SectionPage]:
    """The sections a search can be narrowed to: every public one, in the tree's order."""
    sections = SectionPage.objects.live()
    private = private_q()  # the restrictions workers remember: no query of its own
    if private != NOTHING_PRIVATE:
        sections = sections.exclude(private)
    return list(sections.order_by("path").only("id", "title", "slug", "depth"))


def _count(query: SearchQuery) -> int:
    """How many match, counted up to one past MAX_RESULTS: counting every match of a
    common word would cost more than the page itself, for a number no reader pages to.
    Unranked, so nothing is sorted to count."""
    return _search(query, counting=True)[: MAX_RESULTS + 1].count()


def _search(query: SearchQuery, *, counting: bool = False, few: bool | None = None):
    articles = news_selectors.readable_articles().only("pk")
    if query.section is not None:
        articles = articles.filter(primary_section=query.section)
    if query.author_slug:
        bylined = ArticleAuthor.objects.filter(author__slug=query.author_slug).values("article_id")
        articles = articles.filter(id__in=bylined)
    if query.since:
        articles = articles.filter(published_at__gte=_day_start(query.since))
    if query.until:
        articles = articles.filter(published_at__lt=_day_start(query.until + timedelta(days=1)))
    if query.newest_first and not counting:
        articles = articles.order_by("-published_at")
    words = Words(" ".join(query.terms), operator="or" if query.match_any else "and", few=few)
    ranked = not (counting or query.newest_first)
    return get_search_backend().search(words, articles, order_by_relevance=ranked)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _hit(article: ArticlePage, terms: tuple[str, ...]) -> Hit:
    pattern = matcher(terms)
    return Hit(
        article=article,
        headline=highlight(article.title, terms, pattern=pattern),
        snippet=snippet(_text_with_a_match(article, pattern), terms, fallback=article.standfirst),
    )


def _text_with_a_match(article: ArticlePage, pattern) -> str:
    """The article's plain text from the standfirst up to the body block with the first
    match, and the block after it for the snippet to run on (all of it when none has one):
    reading the whole of ten long bodies on every page of results is most of the page's
    time."""
    parts = [article.standfirst]
    found = pattern is not None and pattern.search(article.standfirst)
    for block in article.body:
        text = plain_text(block_text(block.block_type, block.value))
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
