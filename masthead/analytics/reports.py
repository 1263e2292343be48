"""Reads for the audience dashboard: views over time, top articles, referrer domains and
ad counts for a chosen period, each a short table that is also exported as CSV.

Each read is one aggregate over an indexed range, sized for 100,000 articles and a year
of history:
- the site's views over a year are SiteViewsDaily's 365 rows;
- an article's or an author's views read PageViewsDaily by (page, day) for a few pages;
- a section's views sum the daily rows of its articles within the range: the heaviest
  read, so the form's default range for it is a month;
- top articles and referrers group one range of daily rows (index (day, page) and
  (day, domain)); "today" reads the last 24 hourly rows instead.

Over a year that range is a million daily rows at 100,000 articles: PostgreSQL groups it
in about 200 ms, SQLite in about 2 s. So tables over more than a month are kept in the
shared cache for ten minutes (`kept`), and the worker's periodic job builds the last
365 days' every ten minutes (`warm_year_reports`): a year's figures lag by at most ten
minutes, and the dashboard never waits for them unless someone picks a custom range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.apps import apps
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from masthead.analytics.models import AdCountsHourly, PageViewsDaily, PageViewsHourly, ReferrerDaily, SiteViewsDaily
from masthead.core.spreadsheets import csv_text

ARTICLE_MODEL = "news.ArticlePage"
ARTICLE_AUTHOR_MODEL = "news.ArticleAuthor"
CREATIVE_MODEL = "ads.AdCreative"
TOP_SIZE = 50
LONG_SPAN_DAYS = 31
KEPT_SECONDS = 600


@dataclass(frozen=True)
class Span:
    """Days from `first` to `last`, both included (UTC)."""

    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Table:
    """A report's rows as shown and as exported."""

    columns: tuple[str, ...]
    rows: list[tuple]

    def as_csv(self) -> str:
        # Headlines, creative names and referrer domains are others' words: a cell that
        # starts like a formula is made text (an editor opens this in a spreadsheet).
        return csv_text(self.columns, self.rows)


def views_over_time(
    span: Span, *, section_id: int | None = None, author_id: int | None = None, page_id: int | None = None
) -> list[tuple[date, int]]:
    """Views per day in the span, every day present (0 when nobody read), for the site or
    for one section, author or article."""
    if page_id is not None:
        rows = PageViewsDaily.objects.filter(page_id=page_id)
    elif author_id is not None:
        authored = apps.get_model(ARTICLE_AUTHOR_MODEL).objects.filter(author_id=author_id).values("article_id")
        rows = PageViewsDaily.objects.filter(page_id__in=authored)
    elif section_id is not None:
        in_section = apps.get_model(ARTICLE_MODEL).objects.filter(primary_section_id=section_id).values("pk")
        rows = PageViewsDaily.objects.filter(page_id__in=in_section)
    else:
        found = dict(SiteViewsDaily.objects.filter(day__gte=span.first, day__lte=span.last).values_list("day", "views"))
        return [(day, found.get(day, 0)) for day in span.days]
    found = dict(
        rows.filter(day__gte=span.first, day__lte=span.last)
        .values("day")
        .annotate(total=Sum("views"))
        .values_list("day", "total")
    )
    return [(day, found.get(day, 0)) for day in span.days]


def views_table(series: list[tuple[date, int]]) -> Table:
    return Table(("day", "views"), [(day.isoformat(), views) for day, views in series])


def top_articles(span: Span, *, last_24_hours: bool = False, limit: int = TOP_SIZE) -> Table:
    """The most read pages in the span (or the last 24 hours), with title and address."""
    if last_24_hours:
        rows = PageViewsHourly.objects.filter(hour__gte=last_24_hours_start())
    else:
        rows = PageViewsDaily.objects.filter(day__gte=span.first, day__lte=span.last)
    ranked = list(
        rows.values("page_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-page_id")
        .values_list("page_id", "total")[:limit]
    )
    pages = (
        apps.get_model("wagtailcore.Page")
        .objects.filter(pk__in=[pk for pk, _ in ranked])
        .only("title", "url_path")
        .in_bulk()
    )
    return Table(
        ("page_id", "title", "path", "views"),
        [(pk, pages[pk].title, pages[pk].url_path, total) for pk, total in ranked if pk in pages],
    )


def referrer_domains(span: Span, *, limit: int = TOP_SIZE) -> Table:
    rows = (
        ReferrerDaily.objects.filter(day__gte=span.first, day__lte=span.last)
        .values("domain")
        .annotate(total=Sum("views"))
        .order_by("-total", "domain")
        .values_list("domain", "total")[:limit]
    )
    return Table(("domain", "views"), list(rows))


def last_24_hours_start() -> datetime:
    """The first of the 24 hourly rows that end with the current hour."""
    return timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)


def ad_counts(span: Span, *, last_24_hours: bool = False) -> Table:
    """Impressions, clicks and click-through rate (clicks per 100 impressions) per creative,
    in the span's days or the last 24 hours (the counts are hourly)."""
    hours = (
        AdCountsHourly.objects.filter(hour__gte=last_24_hours_start())
        if last_24_hours
        else AdCountsHourly.objects.filter(hour__gte=span.start, hour__lt=span.end)
    )
    rows = list(
        hours.values("creative_id")
        .annotate(impressions=Sum("impressions"), clicks=Sum("clicks"))
        .order_by("-impressions", "creative_id")
        .values_list("creative_id", "impressions", "clicks")
    )
    names = dict(
        apps.get_model(CREATIVE_MODEL).objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", "name")
    )
    return Table(
        ("creative_id", "creative", "impressions", "clicks", "click_through_rate_percent"),
        [
            (pk, names.get(pk, ""), impressions, clicks, round(100 * clicks / impressions, 2) if impressions else 0.0)
            for pk, impressions, clicks in rows
        ],
    )


def _kept_key(name: str, span: Span) -> str:
    return f"masthead:analytics:report:{name}:{span.first}:{span.last}"


def kept(name: str, span: Span, build: Callable[[], Table]) -> Table:
    """A table over more than a month from the shared cache (built if missing and kept
    for ten minutes); a shorter one always built afresh."""
    if (span.last - span.first).days < LONG_SPAN_DAYS:
        return build()
    key = _kept_key(name, span)
    table = cache.get(key)
    if table is None:
        table = build()
        cache.set(key, table, KEPT_SECONDS)
    return table


def year_span(today: date | None = None) -> Span:
    today = today or timezone.now().date()
    return Span(today - timedelta(days=364), today)


def warm_year_reports() -> None:
    """The worker's periodic job: the last 365 days' tables, built before anyone asks
    (kept a little longer than the job's period, so they never lapse between runs)."""
    span = year_span()
    for name, build in (("top", top_articles), ("referrers", referrer_domains), ("ads", ad_counts)):
        cache.set(_kept_key(name, span), build(span), KEPT_SECONDS * 2)
