"""Audience history for `masthead generate` and the demo: views per article per hour and
per day, the site's daily totals, each article's running total, referrer domains and ad
impressions and clicks, shaped as a news site's readership is.

- A few articles get many readers and most get few: an article's first-day readership is
  drawn from a Pareto distribution (a long tail, one story in a few thousand goes round
  the world).
- Readership falls day by day after publication (a half-life of about a day), and a small
  share of articles keep a trickle for good (explainers, obituaries).
- Readers come in a daily cycle (little at night, a morning and an evening peak) and a
  little less at weekends; newer articles therefore get most of any day's views.
- Hourly rows are written for the last `hourly_days` days only, daily rows for the last
  `daily_days`. At 100,000 articles over ten years (measured on PostgreSQL): about
  200,000 views a day, 0.5 million hourly rows, 1.1 million daily rows, 1.1 million
  referrer rows and 13,000 page totals, written in about half a minute.

Rows go in by batches (COPY on PostgreSQL, executemany on SQLite, as the comments'
generator does). Only articles with no total yet get history, so running it twice adds
history only to articles added meanwhile; the site's and the ads' rows add up.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from masthead.ads.models import AdCreative
from masthead.analytics.models import (
    AdCountsHourly,
    PageViewsDaily,
    PageViewsHourly,
    PageViewTotal,
    ReferrerDaily,
    SiteViewsDaily,
)
from masthead.demo.generate_comments import _write as write_rows
from masthead.news.models import ArticlePage

# Share of a day's readers in each UTC hour: quiet nights, a morning and an evening peak.
DAILY_CYCLE = [
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1.2,
    2.5,
    3.6,
    3.8,
    3.4,
    3.2,
    3.6,
    3.4,
    3.0,
    2.9,
    3.0,
    3.3,
    3.8,
    4.2,
    4.0,
    3.2,
    2.2,
    1.5,
]
CYCLE_SHARE = [weight / sum(DAILY_CYCLE) for weight in DAILY_CYCLE]
WEEKEND = 0.8
DAILY_FALL = 0.45  # of one day's readers, how many come back the next day
EVERGREEN_SHARE = 0.03
FIRST_DAY_READERS = 100  # the least-read article's first day; the tail goes far above
PARETO_ALPHA = 1.1
REFERRED_SHARE = 0.3
REFERRERS = [
    "news.google.com",
    "www.google.com",
    "duckduckgo.com",
    "www.bing.com",
    "t.co",
    "www.facebook.com",
    "l.facebook.com",
    "www.reddit.com",
    "news.ycombinator.com",
    "mastodon.social",
    "bsky.app",
    "www.linkedin.com",
    "flipboard.com",
    "lobste.rs",
    "substack.com",
    "www.theguardian.com",
    "en.wikipedia.org",
    "feedly.com",
]
REFERRER_WEIGHTS = [30, 25, 6, 5, 8, 7, 4, 6, 2, 2, 2, 2, 1, 1, 1, 1, 2, 3]
IMPRESSIONS_PER_VIEW = 0.9
CLICK_RATE = 0.004
BATCH_ARTICLES = 2_000


def _articles_without_history() -> list[tuple[int, datetime]]:
    counted = PageViewTotal.objects.filter(page_id=OuterRef("pk"))
    rows = ArticlePage.objects.live().filter(~Exists(counted)).order_by("pk")
    return [(pk, published) for pk, published in rows.values_list("pk", "published_at") if published is not None]


def _round(expected: float, rng: random.Random) -> int:
    """A whole number of views whose average is `expected`."""
    whole = math.floor(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _daily_expected(first_day: float, evergreen: float, age_days: int, day: date) -> float:
    weekday = WEEKEND if day.weekday() >= 5 else 1.0
    return (first_day * DAILY_FALL**age_days + evergreen) * weekday


def generate_audience(
    size=None,
    *,
    hourly_days: int = 45,
    daily_days: int = 365,
    evergreen_share: float = EVERGREEN_SHARE,
    seed: int = 2026,
    progress=print,
) -> int:
    """Add the history; returns how many page-hour and page-day rows were written."""
    rng = random.Random(seed)
    now = timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    today = now.date()
    first_daily = today - timedelta(days=daily_days - 1)
    first_hourly = today - timedelta(days=hourly_days - 1)
    articles = _articles_without_history()
    site_days: dict[date, int] = defaultdict(int)
    site_hours: dict[datetime, int] = defaultdict(int)
    written = 0
    for start in range(0, len(articles), BATCH_ARTICLES):
        hourly_rows, daily_rows, total_rows, referrer_rows = [], [], [], []
        for page_id, published in articles[start : start + BATCH_ARTICLES]:
            first_day = FIRST_DAY_READERS * rng.paretovariate(PARETO_ALPHA)
            evergreen = rng.uniform(0.5, 6) if rng.random() < evergreen_share else 0.0
            published_day = published.date()
            total = 0
            for day_number in range(max((first_daily - published_day).days, 0), (today - published_day).days + 1):
                day = published_day + timedelta(days=day_number)
                expected = _daily_expected(first_day, evergreen, day_number, day)
                if expected < 0.05 and not evergreen:
                    break  # nobody reads it any more
                if day >= first_hourly:
                    views = 0
                    for hour_of_day, share in enumerate(CYCLE_SHARE):
                        hour = datetime.combine(day, time(hour_of_day), tzinfo=UTC)
                        if hour > this_hour or hour + timedelta(hours=1) <= published:
                            continue
                        hour_views = _round(expected * share, rng)
                        if hour_views:
                            hourly_rows.append((page_id, hour, hour_views))
                            site_hours[hour] += hour_views
                            views += hour_views
                else:
                    views = _round(expected, rng)
                if not views:
                    continue
                daily_rows.append((page_id, day.isoformat(), views))
                site_days[day] += views
                total += views
                referred = _round(views * REFERRED_SHARE, rng)
                if referred:
                    domains = rng.choices(REFERRERS, REFERRER_WEIGHTS, k=min(referred, 3))
                    per_domain = defaultdict(int)
                    for number in range(referred):
                        per_domain[domains[number % len(domains)]] += 1
                    referrer_rows += [(page_id, day.isoformat(), domain, count) for domain, count in per_domain.items()]
            if total:
                total_rows.append((page_id, total))
        with transaction.atomic():
            write_rows(PageViewsHourly, ("page_id", "hour", "views"), hourly_rows)
            write_rows(PageViewsDaily, ("page_id", "day", "views"), daily_rows)
            write_rows(PageViewTotal, ("page_id", "views"), total_rows)
            write_rows(ReferrerDaily, ("page_id", "day", "domain", "views"), referrer_rows)
        written += len(hourly_rows) + len(daily_rows)
        progress(
            f"{min(start + BATCH_ARTICLES, len(articles)):,} of {len(articles):,} articles: "
            f"{len(hourly_rows):,} hourly and {len(daily_rows):,} daily rows"
        )
    with transaction.atomic():
        _add_site_days(site_days)
        _add_ad_hours(site_hours, rng)
    return written


def _add_site_days(site_days: dict[date, int]) -> None:
    """Add to the site's daily totals (a second run adds its articles' views to the days
    the first one wrote)."""
    if not site_days:
        return
    table = connection.ops.quote_name(SiteViewsDaily._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (day, views) VALUES (%s, %s) "  # noqa: S608 (the table's own name, values bound)
            f"ON CONFLICT (day) DO UPDATE SET views = {table}.views + excluded.views",
            [(day.isoformat(), views) for day, views in sorted(site_days.items())],
        )


def _add_ad_hours(site_hours: dict[datetime, int], rng: random.Random) -> None:
    """Impressions follow the pages read, split among the active creatives; clicks are a
    few in a thousand."""
    creatives = list(AdCreative.objects.filter(is_active=True).values_list("pk", flat=True))
    if not creatives or not site_hours:
        return
    rows = []
    for hour, views in sorted(site_hours.items()):
        for creative_id in creatives:
            impressions = _round(views * IMPRESSIONS_PER_VIEW / len(creatives) * rng.uniform(0.7, 1.3), rng)
            if impressions:
                rows.append(
                    (creative_id, hour, impressions, _round(impressions * CLICK_RATE * rng.uniform(0.3, 2), rng))
                )
    table = connection.ops.quote_name(AdCountsHourly._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (creative_id, hour, impressions, clicks) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (creative_id, hour) DO UPDATE SET impressions = {table}.impressions + excluded.impressions, "
            f"clicks = {table}.clicks + excluded.clicks",
            [(creative_id, adapt(hour), impressions, clicks) for creative_id, hour, impressions, clicks in rows],
        )
