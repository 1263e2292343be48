"""History for tests: rows written straight into the counting tables, as the flush would
leave them."""

from __future__ import annotations

from datetime import datetime, timedelta

from masthead.analytics.models import PageViewsDaily, PageViewsHourly
from masthead.analytics.trending import hour_start


def views_at(page, *, hours_ago: int, views: int, now: datetime) -> None:
    """`views` views of the page in the hour that began `hours_ago` hours before now's
    hour, hourly and daily rows both."""
    hour = hour_start(now) - timedelta(hours=hours_ago)
    hourly, created = PageViewsHourly.objects.get_or_create(page_id=page.pk, hour=hour, defaults={"views": views})
    if not created:
        hourly.views += views
        hourly.save(update_fields=["views"])
    daily, created = PageViewsDaily.objects.get_or_create(page_id=page.pk, day=hour.date(), defaults={"views": views})
    if not created:
        daily.views += views
        daily.save(update_fields=["views"])


def views_on(page, *, days_ago: int, views: int, now: datetime) -> None:
    """Daily views only: older history, whose hourly rows are gone."""
    PageViewsDaily.objects.create(page_id=page.pk, day=now.date() - timedelta(days=days_ago), views=views)
