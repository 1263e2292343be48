"""Adding counts to the count tables: the one write path of the database back end and of
the Redis flush. Every write is an upsert that adds (`views = views + excluded.views`),
so concurrent writers from several workers add up; it runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection


def _moment(epoch: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC)


@dataclass
class Batch:
    """Counts to add: views per (page, hour), referrer views per (page, hour, domain), ad
    impressions and clicks per (creative, hour). Hours are UTC epoch seconds."""

    views: Counter = field(default_factory=Counter)
    referrers: Counter = field(default_factory=Counter)
    impressions: Counter = field(default_factory=Counter)
    clicks: Counter = field(default_factory=Counter)

    @classmethod
    def of_events(cls, events) -> Batch:
        from masthead.analytics.counting import hash_fields

        batch = cls()
        for counted, now in events:
            for name in hash_fields(counted, now):
                batch.add_field(name, 1)
        return batch

    def add_field(self, name: str, amount: int) -> None:
        """One field of the Redis live hash (see `counting.hash_fields`); an unreadable
        one is skipped rather than holding up the rest of a flush."""
        parts = name.split("|", 3)
        try:
            if parts[0] == "ref" and len(parts) == 4:
                self.referrers[(int(parts[1]), int(parts[2]), parts[3])] += amount
            elif len(parts) == 3:
                target = {"view": self.views, "impression": self.impressions, "click": self.clicks}[parts[0]]
                target[(int(parts[1]), int(parts[2]))] += amount
        except (KeyError, ValueError):
            pass

    def page_ids(self) -> set[int]:
        return {page for page, _ in self.views} | {page for page, _, _ in self.referrers}

    def creative_ids(self) -> set[int]:
        return {creative for creative, _ in self.impressions} | {creative for creative, _ in self.clicks}

    def keep_only(self, *, pages: set[int], creatives: set[int]) -> None:
        """Drop counts of pages or creatives deleted since they were counted."""
        self.views = Counter({key: n for key, n in self.views.items() if key[0] in pages})
        self.referrers = Counter({key: n for key, n in self.referrers.items() if key[0] in pages})
        self.impressions = Counter({key: n for key, n in self.impressions.items() if key[0] in creatives})
        self.clicks = Counter({key: n for key, n in self.clicks.items() if key[0] in creatives})

    def __bool__(self) -> bool:
        return bool(self.views or self.referrers or self.impressions or self.clicks)


def _upsert(model, *, unique: list[str], values: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in unique + values]
    additions = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in columns[len(unique) :])
    # The table and columns are the model's own; every value is a parameter.
    statement = (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in columns[: len(unique)])}) DO UPDATE SET {additions}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def add_counts(batch: Batch) -> None:
    """Add the batch to every table that shows it. Call inside a transaction: the tables
    agree with each other after every commit."""
    from masthead.analytics.models import (
        AdCountsHourly,
        PageViewsDaily,
        PageViewsHourly,
        PageViewTotal,
        ReferrerDaily,
        SiteViewsDaily,
    )

    ops = connection.ops
    daily, site, total, referrers = Counter(), Counter(), Counter(), Counter()
    for (page, hour), n in batch.views.items():
        day = _moment(hour).date()
        daily[(page, day)] += n
        site[day] += n
        total[page] += n
    for (page, hour, domain), n in batch.referrers.items():
        referrers[(page, _moment(hour).date(), domain)] += n

    def when(hour):
        return ops.adapt_datetimefield_value(_moment(hour))

    def date(day):
        return ops.adapt_datefield_value(day)

    # Sorted: concurrent writers take row locks in the same order (no deadlocks on PostgreSQL).
    _upsert(
        PageViewsHourly,
        unique=["page", "hour"],
        values=["views"],
        rows=[(page, when(hour), n) for (page, hour), n in sorted(batch.views.items())],
    )
    _upsert(
        PageViewsDaily,
        unique=["page", "day"],
        values=["views"],
        rows=[(page, date(day), n) for (page, day), n in sorted(daily.items())],
    )
    _upsert(SiteViewsDaily, unique=["day"], values=["views"], rows=[(date(day), n) for day, n in sorted(site.items())])
    _upsert(PageViewTotal, unique=["page"], values=["views"], rows=sorted(total.items()))
    _upsert(
        ReferrerDaily,
        unique=["page", "day", "domain"],
        values=["views"],
        rows=[(page, date(day), domain, n) for (page, day, domain), n in sorted(referrers.items())],
    )
    ad_rows = {
        key: (batch.impressions.get(key, 0), batch.clicks.get(key, 0))
        for key in sorted(set(batch.impressions) | set(batch.clicks))
    }
    _upsert(
        AdCountsHourly,
        unique=["creative", "hour"],
        values=["impressions", "clicks"],
        rows=[(creative, when(hour), shown, clicked) for (creative, hour), (shown, clicked) in ad_rows.items()],
    )
