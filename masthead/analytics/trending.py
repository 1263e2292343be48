"""Reads for readers: Trending (a time-decayed score over the hourly rows) and Most read
(plain sums over the last day, week or month), per site and per section.

Trending's score of an article is the sum over its hourly rows within the site's window
of `views * 0.5 ** (age_hours / half_life_hours)`. The weight depends only on the row's
hour, and a window holds at most a few hundred hours, so the weights are worked out here
and handed to the database as one `CASE hour WHEN ... THEN weight` inside the SUM: one
aggregate per page over the window's rows (index (hour, page)), the same SQL on SQLite
and PostgreSQL, no date arithmetic that differs between them.

Counts point at Wagtail's `Page`; what may appear (live, public articles, their primary
section) is the news app's article model, looked up by name so this app does not import
news (the layers contract in pyproject.toml keeps sibling apps apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.core.cache import cache
from django.db.models import Case, F, FloatField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from wagtail.models import Site

from masthead.analytics.models import AnalyticsSettings, PageViewsDaily, PageViewsHourly, TrendingChoice
from masthead.core.privacy import NOTHING_PRIVATE, private_q

ARTICLE_MODEL = "news.ArticlePage"


class Period:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CHOICES = {DAY: "Last 24 hours", WEEK: "Last 7 days", MONTH: "Last 30 days"}
    DAYS = {WEEK: 7, MONTH: 30}


@dataclass(frozen=True)
class Ranked:
    """An article in a list, with what ranked it (a decayed score or a sum of views) and
    whether an editor pinned it there."""

    article: object
    score: float
    pinned: bool = False


def _articles() -> type:
    return apps.get_model(ARTICLE_MODEL)


def readable_article_ids(*, section_id: int | None = None) -> QuerySet:
    """Ids of live articles anyone may read (not behind a login, password or group), in
    one section when given: a subquery, never loaded."""
    articles = _articles().objects.live()
    private = private_q()
    if private != NOTHING_PRIVATE:
        articles = articles.exclude(private)
    if section_id is not None:
        articles = articles.filter(primary_section_id=section_id)
    return articles.values("pk")


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def decay_weights(*, now: datetime, window_hours: int, half_life_hours: int) -> dict[datetime, float]:
    """The weight of each hour bucket in the window, the current (partial) hour included.
    A bucket's age is measured from its start, so a view in the current hour weighs at
    most 1."""
    current = hour_start(now)
    weights = {}
    for back in range(window_hours):
        hour = current - timedelta(hours=back)
        age_hours = (now - hour).total_seconds() / 3600
        weights[hour] = 0.5 ** (age_hours / half_life_hours)
    return weights


def active_choices(*, now: datetime) -> tuple[list[int], set[int]]:
    """Pinned page ids in the order editors pinned them, and excluded page ids; a choice
    whose `until` has passed has no effect."""
    pinned, excluded = [], set()
    current = TrendingChoice.objects.filter(Q(until__isnull=True) | Q(until__gt=now)).order_by("created_at", "pk")
    for page_id, kind in current.values_list("page_id", "kind"):
        if kind == TrendingChoice.Kind.PIN:
            pinned.append(page_id)
        else:
            excluded.add(page_id)
    return pinned, excluded


def trending_scores(
    *, window_hours: int, half_life_hours: int, limit: int, section_id: int | None = None, now: datetime | None = None
) -> list[tuple[int, float]]:
    """(page id, score) of the best-scoring readable articles, best first, ties to the
    newer page; excluded articles are left out, pinned ones are not special here."""
    now = now or timezone.now()
    weights = decay_weights(now=now, window_hours=window_hours, half_life_hours=half_life_hours)
    _, excluded = active_choices(now=now)
    weighted = Case(
        *(When(hour=hour, then=Value(weight)) for hour, weight in weights.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    rows = (
        PageViewsHourly.objects.filter(
            hour__gt=hour_start(now) - timedelta(hours=window_hours),
            hour__lte=now,
            page_id__in=readable_article_ids(section_id=section_id),
        )
        .exclude(page_id__in=excluded)
        .values("page_id")
        .annotate(score=Sum(F("views") * weighted, output_field=FloatField()))
        .order_by("-score", "-page_id")
        .values_list("page_id", "score")[:limit]
    )
    return list(rows)


def trending(*, site_settings: AnalyticsSettings, section_id: int | None = None, now=None) -> list[Ranked]:
    """The Trending list: pinned articles first (in pin order), then the best scores,
    `trending_size` in all."""
    now = now or timezone.now()
    size = site_settings.trending_size
    pinned, _ = active_choices(now=now)
    readable = readable_article_ids(section_id=section_id)
    if pinned:
        shown = set(_articles().objects.filter(pk__in=pinned).filter(pk__in=readable).values_list("pk", flat=True))
        pinned = [pk for pk in pinned if pk in shown][:size]
    scored = trending_scores(
        window_hours=site_settings.trending_window_hours,
        half_life_hours=site_settings.trending_half_life_hours,
        limit=size + len(pinned),
        section_id=section_id,
        now=now,
    )
    scores = dict(scored)
    order = [(pk, scores.get(pk, 0.0), True) for pk in pinned]
    order += [(pk, score, False) for pk, score in scored if pk not in pinned]
    return _hydrated(order[:size])


def most_read_views(
    *, period: str, limit: int, section_id: int | None = None, now: datetime | None = None
) -> list[tuple[int, int]]:
    """(page id, views) of the most read readable articles in the period, most first:
    the last 24 hours from the hourly rows, the last 7 or 30 days (today included) from
    the daily ones."""
    now = now or timezone.now()
    readable = readable_article_ids(section_id=section_id)
    if period == Period.DAY:
        rows = PageViewsHourly.objects.filter(
            hour__gt=hour_start(now) - timedelta(hours=24), hour__lte=now, page_id__in=readable
        )
    else:
        today = now.date()
        rows = PageViewsDaily.objects.filter(
            day__gt=today - timedelta(days=Period.DAYS[period]), day__lte=today, page_id__in=readable
        )
    ranked = rows.values("page_id").annotate(total=Sum("views")).order_by("-total", "-page_id")
    return list(ranked.values_list("page_id", "total")[:limit])


def most_read(*, period: str, limit: int, section_id: int | None = None, now=None) -> list[Ranked]:
    return _hydrated(
        [
            (pk, views, False)
            for pk, views in most_read_views(period=period, limit=limit, section_id=section_id, now=now)
        ]
    )


def _hydrated(order: list[tuple[int, float, bool]]) -> list[Ranked]:
    """The articles of a ranked list, in its order, with their section for the kicker."""
    if not order:
        return []
    found = _articles().objects.filter(pk__in=[pk for pk, _, _ in order]).select_related("primary_section").in_bulk()
    return [Ranked(found[pk], score, pinned) for pk, score, pinned in order if pk in found]


# What the boxes and the Trending page show, worked out at most once a minute per
# section (and every minute for the whole site by the worker's periodic job), kept in the
# shared cache as plain values: a box renders with no query, and a reader never pays for
# the aggregate.
LISTS_SECONDS = 60
BOX_SIZE = 5


def _entries(ranked: list[Ranked]) -> list[dict]:
    return [
        {
            "id": item.article.pk,
            "title": item.article.title,
            "url": item.article.get_url(),
            "section": item.article.primary_section.title if item.article.primary_section else "",
            "pinned": item.pinned,
        }
        for item in ranked
    ]


def reader_lists_build(*, section_id: int | None = None, now=None) -> dict[str, list[dict]]:
    """Trending and the three Most read lists, as the boxes and the page show them."""
    site = Site.objects.filter(is_default_site=True).first()
    site_settings = AnalyticsSettings() if site is None else AnalyticsSettings.for_site(site)
    lists = {"trending": _entries(trending(site_settings=site_settings, section_id=section_id, now=now))}
    for period in Period.CHOICES:
        lists[period] = _entries(
            most_read(period=period, limit=max(BOX_SIZE, site_settings.trending_size), section_id=section_id, now=now)
        )
    return lists


def _lists_key(section_id: int | None) -> str:
    return f"masthead:analytics:reader-lists:{section_id or 'site'}"


def reader_lists(*, section_id: int | None = None) -> dict[str, list[dict]]:
    key = _lists_key(section_id)
    lists = cache.get(key)
    if lists is None:
        lists = reader_lists_refresh(section_id=section_id)
    return lists


def reader_lists_refresh(*, section_id: int | None = None) -> dict[str, list[dict]]:
    """Build the lists and keep them for a little longer than the schedule's minute, so
    the periodic job replaces them before they lapse."""
    lists = reader_lists_build(section_id=section_id)
    cache.set(_lists_key(section_id), lists, LISTS_SECONDS * 2 if section_id is None else LISTS_SECONDS)
    return lists


def refresh_site_lists() -> None:
    """The worker's periodic job: the site-wide lists, every minute."""
    reader_lists_refresh()


def forget_reader_lists() -> None:
    """After an editor's pin or exclusion: the site's lists are built again at once (the
    boxes' short-lived responses follow within their minute); a section's lists lapse
    within a minute by themselves."""
    cache.delete(_lists_key(None))
