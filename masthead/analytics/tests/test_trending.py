"""Trending and Most read: what readers see in the boxes and on /trending/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.analytics import trending
from masthead.analytics.models import AnalyticsSettings, TrendingChoice
from masthead.analytics.tests.factories import views_at, views_on
from masthead.analytics.trending import Period, hour_start
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

# Half an hour into an hour, so that no row lands on a bucket's edge.
NOW = hour_start(timezone.now()) + timedelta(minutes=30)


def titles(ranked) -> list[str]:
    return [item.article.title for item in ranked]


def settings_for(site_tree, **values) -> AnalyticsSettings:
    settings = AnalyticsSettings.for_site(site_tree.site)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


@pytest.fixture
def news(site_tree):
    return site_tree.sections["news"]


@pytest.fixture
def analysis(site_tree):
    return site_tree.sections["analysis"]


def test_an_older_burst_ranks_below_a_recent_smaller_one_as_the_decay_says(site_tree, news):
    settings = settings_for(site_tree, trending_window_hours=48, trending_half_life_hours=12, trending_size=5)
    burst = make_article(news, title="Yesterday's burst")
    recent = make_article(news, title="Read now")
    steady = make_article(news, title="Steady")
    outside = make_article(news, title="Outside the window")
    # By plain sums the burst (100) would lead the others (30 and 24): the half-life is
    # what ranks it last.
    views_at(burst, hours_ago=40, views=100, now=NOW)  # 100 * 0.5^(40.5/12) = 9.6
    views_at(recent, hours_ago=2, views=30, now=NOW)  # 30 * 0.5^(2.5/12) = 26.0
    for hours_ago in (1, 5, 9):
        views_at(steady, hours_ago=hours_ago, views=8, now=NOW)  # 8 * (0.92 + 0.73 + 0.58) = 17.8
    views_at(outside, hours_ago=60, views=10_000, now=NOW)

    ranked = trending.trending(site_settings=settings, now=NOW)

    assert titles(ranked) == ["Read now", "Steady", "Yesterday's burst"]
    assert ranked[0].score == pytest.approx(30 * 0.5 ** (2.5 / 12))
    assert ranked[2].score == pytest.approx(100 * 0.5 ** (40.5 / 12))


def test_a_shorter_half_life_turns_the_order_round(site_tree, news):
    older = make_article(news, title="Big, ten hours ago")
    newer = make_article(news, title="Small, this hour")
    views_at(older, hours_ago=10, views=100, now=NOW)
    views_at(newer, hours_ago=0, views=40, now=NOW)

    slow = settings_for(site_tree, trending_half_life_hours=24)
    assert titles(trending.trending(site_settings=slow, now=NOW)) == ["Big, ten hours ago", "Small, this hour"]
    fast = settings_for(site_tree, trending_half_life_hours=2)
    assert titles(trending.trending(site_settings=fast, now=NOW)) == ["Small, this hour", "Big, ten hours ago"]


def test_trending_per_section_shows_only_that_sections_articles(site_tree, news, analysis):
    settings = settings_for(site_tree)
    in_news = make_article(news, title="Harbour news")
    in_analysis = make_article(analysis, title="Harbour analysis")
    views_at(in_news, hours_ago=1, views=5, now=NOW)
    views_at(in_analysis, hours_ago=1, views=50, now=NOW)

    assert titles(trending.trending(site_settings=settings, section_id=news.pk, now=NOW)) == ["Harbour news"]
    assert titles(trending.trending(site_settings=settings, section_id=analysis.pk, now=NOW)) == ["Harbour analysis"]
    assert titles(trending.trending(site_settings=settings, now=NOW)) == ["Harbour analysis", "Harbour news"]


def test_trending_keeps_to_its_size_and_leaves_out_unpublished_and_private_articles(site_tree, news):
    from wagtail.models import PageViewRestriction

    settings = settings_for(site_tree, trending_size=2)
    shown = [make_article(news, title=f"Shown {n}") for n in range(3)]
    withdrawn = make_article(news, title="Withdrawn")
    for number, article in enumerate([*shown, withdrawn]):
        views_at(article, hours_ago=1, views=10 + number, now=NOW)
    withdrawn.unpublish()

    assert titles(trending.trending(site_settings=settings, now=NOW)) == ["Shown 2", "Shown 1"]

    PageViewRestriction.objects.create(page=shown[2], restriction_type=PageViewRestriction.PASSWORD, password="x")
    from masthead.pagecache.memory import clear_every_memory

    clear_every_memory()  # a restriction's save purges everything; here the worker's memory is all there is
    assert titles(trending.trending(site_settings=settings, now=NOW)) == ["Shown 1", "Shown 0"]


def test_pins_lead_in_the_order_they_were_made_and_exclusions_stay_out(site_tree, news):
    settings = settings_for(site_tree, trending_size=4)
    popular, second, quiet, unread, spam = (
        make_article(news, title=title) for title in ("Popular", "Second", "Quiet", "Unread", "Spam magnet")
    )
    views_at(spam, hours_ago=0, views=1000, now=NOW)
    views_at(popular, hours_ago=0, views=100, now=NOW)
    views_at(second, hours_ago=0, views=50, now=NOW)
    views_at(quiet, hours_ago=0, views=1, now=NOW)
    TrendingChoice.objects.create(page=unread, kind=TrendingChoice.Kind.PIN)
    TrendingChoice.objects.create(page=quiet, kind=TrendingChoice.Kind.PIN, until=NOW + timedelta(hours=1))
    TrendingChoice.objects.create(page=spam, kind=TrendingChoice.Kind.EXCLUDE)

    ranked = trending.trending(site_settings=settings, now=NOW)

    assert titles(ranked) == ["Unread", "Quiet", "Popular", "Second"]
    assert [item.pinned for item in ranked] == [True, True, False, False]


def test_a_choice_whose_until_has_passed_has_no_effect(site_tree, news):
    settings = settings_for(site_tree, trending_size=2)
    popular, quiet, spam = (make_article(news, title=title) for title in ("Popular", "Quiet", "Spam magnet"))
    views_at(spam, hours_ago=0, views=1000, now=NOW)
    views_at(popular, hours_ago=0, views=100, now=NOW)
    views_at(quiet, hours_ago=0, views=1, now=NOW)
    TrendingChoice.objects.create(page=quiet, kind=TrendingChoice.Kind.PIN, until=NOW - timedelta(minutes=1))
    TrendingChoice.objects.create(page=spam, kind=TrendingChoice.Kind.EXCLUDE, until=NOW - timedelta(minutes=1))

    assert titles(trending.trending(site_settings=settings, now=NOW)) == ["Spam magnet", "Popular"]


def test_a_pinned_article_of_another_section_or_unpublished_is_not_shown(site_tree, news, analysis):
    settings = settings_for(site_tree)
    here = make_article(news, title="Here")
    elsewhere = make_article(analysis, title="Elsewhere")
    gone = make_article(news, title="Gone")
    views_at(here, hours_ago=0, views=3, now=NOW)
    TrendingChoice.objects.create(page=elsewhere, kind=TrendingChoice.Kind.PIN)
    TrendingChoice.objects.create(page=gone, kind=TrendingChoice.Kind.PIN)
    gone.unpublish()

    assert titles(trending.trending(site_settings=settings, section_id=news.pk, now=NOW)) == ["Here"]


def test_most_read_sums_the_last_day_week_and_month(site_tree, news, analysis):
    today_only = make_article(news, title="Today")
    this_week = make_article(news, title="This week")
    this_month = make_article(analysis, title="This month")
    views_at(today_only, hours_ago=3, views=40, now=NOW)
    views_at(today_only, hours_ago=30, views=5, now=NOW)  # yesterday: not in the last 24 hours
    views_on(this_week, days_ago=3, views=100, now=NOW)
    views_on(this_month, days_ago=20, views=500, now=NOW)
    views_on(this_month, days_ago=45, views=10_000, now=NOW)  # last quarter

    def most_read(period, **options):
        return [
            (item.article.title, item.score) for item in trending.most_read(period=period, limit=10, now=NOW, **options)
        ]

    assert most_read(Period.DAY) == [("Today", 40)]
    assert most_read(Period.WEEK) == [("This week", 100), ("Today", 45)]
    assert most_read(Period.MONTH) == [("This month", 500), ("This week", 100), ("Today", 45)]
    assert most_read(Period.MONTH, section_id=news.pk) == [("This week", 100), ("Today", 45)]


def test_the_lists_are_kept_for_a_minute_and_an_editors_choice_rebuilds_the_sites(site_tree, news):
    settings_for(site_tree)
    first = make_article(news, title="First")
    views_at(first, hours_ago=0, views=5, now=timezone.now())
    assert [entry["title"] for entry in trending.reader_lists()["trending"]] == ["First"]

    later = make_article(news, title="Later")
    views_at(later, hours_ago=0, views=50, now=timezone.now())
    assert [entry["title"] for entry in trending.reader_lists()["trending"]] == ["First"]  # kept

    trending.forget_reader_lists()
    assert [entry["title"] for entry in trending.reader_lists()["trending"]] == ["Later", "First"]
