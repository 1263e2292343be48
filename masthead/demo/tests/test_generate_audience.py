"""`masthead generate` adds a year of audience history shaped as a news site's is, with
every total agreeing with the rows it sums."""

import io
from collections import defaultdict
from datetime import timedelta
from statistics import median

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from masthead.ads.models import AdCreative, AdSlot
from masthead.analytics.models import (
    AdCountsHourly,
    PageViewsDaily,
    PageViewsHourly,
    PageViewTotal,
    ReferrerDaily,
    SiteViewsDaily,
)
from masthead.demo.generate_audience import generate_audience
from masthead.news.models import ArticlePage
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_generate_adds_a_year_of_history_whose_totals_agree(site_tree):
    make_article(site_tree.sections["news"], title="Written by hand")
    AdCreative.objects.create(name="House ad", slot=AdSlot.objects.get(placement="sidebar"))
    call_command("generate", articles=400, authors=3, sections=2, tags=9, years=1, comments=0, stdout=io.StringIO())
    now = timezone.now()

    hours = PageViewsHourly.objects.order_by("hour")
    assert hours.exists()
    assert hours.first().hour.date() >= now.date() - timedelta(days=44)
    assert hours.last().hour <= now
    days = PageViewsDaily.objects.order_by("day")
    assert days.first().day >= now.date() - timedelta(days=364)
    assert days.last().day <= now.date()

    hourly_by_day = defaultdict(int)
    for page_id, hour, views in hours.values_list("page_id", "hour", "views"):
        hourly_by_day[(page_id, hour.date())] += views
    daily = {(page_id, day): views for page_id, day, views in days.values_list("page_id", "day", "views")}
    assert all(daily[key] == views for key, views in hourly_by_day.items())

    per_page = defaultdict(int)
    per_day = defaultdict(int)
    for (page_id, day), views in daily.items():
        per_page[page_id] += views
        per_day[day] += views
    assert dict(PageViewTotal.objects.values_list("page_id", "views")) == per_page
    assert dict(SiteViewsDaily.objects.values_list("day", "views")) == per_day
    assert ReferrerDaily.objects.aggregate(total=Sum("views"))["total"] < sum(per_page.values())
    ads = AdCountsHourly.objects.aggregate(impressions=Sum("impressions"), clicks=Sum("clicks"))
    assert 0 < ads["clicks"] < ads["impressions"]

    # A few get many readers, most few; on any day, the newest articles get most views.
    totals = sorted(per_page.values())
    assert totals[-1] > 10 * median(totals)
    published = dict(ArticlePage.objects.values_list("pk", "published_at"))
    this_week = {key: views for key, views in daily.items() if key[1] > now.date() - timedelta(days=7)}
    fresh = sum(views for (pk, _), views in this_week.items() if published[pk] > now - timedelta(days=14))
    assert fresh > 0.5 * sum(this_week.values())


def test_a_second_run_adds_history_only_to_articles_without_any(site_tree):
    first = make_article(site_tree.sections["news"], title="Counted", hours_ago=30)
    generate_audience(progress=lambda line: None)
    before = dict(PageViewTotal.objects.values_list("page_id", "views"))
    site_before = SiteViewsDaily.objects.aggregate(total=Sum("views"))["total"] or 0
    second = make_article(site_tree.sections["news"], title="New since", hours_ago=20)

    generate_audience(seed=7, progress=lambda line: None)

    totals = dict(PageViewTotal.objects.values_list("page_id", "views"))
    assert totals[first.pk] == before[first.pk]
    assert totals[second.pk] > 0
    assert SiteViewsDaily.objects.aggregate(total=Sum("views"))["total"] == site_before + totals[second.pk]
