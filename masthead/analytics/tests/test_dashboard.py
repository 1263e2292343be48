"""The audience dashboard in the admin: who may open it, what it draws, what it exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from masthead.ads.models import AdCreative, AdSlot
from masthead.analytics.models import AdCountsHourly, ReferrerDaily, SiteViewsDaily, TrendingChoice
from masthead.analytics.tests.factories import views_at, views_on
from masthead.news.tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/audience/"
CHART = b'class="pygal-chart"'


def member_of(group_name: str):
    user = get_user_model().objects.create_user(
        f"{group_name.lower()}-member", email=f"{group_name.lower()}@example.org", password="pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def editor_client(client, site_tree):
    client.force_login(member_of("Editors"))
    return client


@pytest.fixture
def history(site_tree):
    now = timezone.now()
    author = make_author("Ada Harbour")
    harbour = make_article(site_tree.sections["news"], title="Harbour dredging starts", authors=[author])
    budget = make_article(site_tree.sections["analysis"], title="What the budget means")
    views_at(harbour, hours_ago=1, views=30, now=now)
    views_on(harbour, days_ago=3, views=70, now=now)
    views_at(budget, hours_ago=2, views=12, now=now)
    for days_ago in range(40):
        SiteViewsDaily.objects.create(day=now.date() - timedelta(days=days_ago), views=1000 + days_ago)
    ReferrerDaily.objects.create(page_id=harbour.pk, day=now.date(), domain="news.example.com", views=9)
    ReferrerDaily.objects.create(page_id=budget.pk, day=now.date(), domain="search.example", views=4)
    creative = AdCreative.objects.create(name="Ferry company", slot=AdSlot.objects.get(placement="sidebar"))
    AdCountsHourly.objects.create(
        creative=creative, hour=now.replace(minute=0, second=0, microsecond=0), impressions=400, clicks=6
    )
    return {"author": author, "harbour": harbour, "budget": budget, "creative": creative}


def test_a_signed_in_user_without_the_reports_permission_is_refused(client, site_tree, history):
    client.force_login(member_of("Authors"))  # may use the admin, not the reports

    response = client.get(DASHBOARD)

    assert response.status_code in (302, 403)
    assert CHART not in response.content
    assert not client.get(DASHBOARD, {"export": "top"}).get("Content-Type", "").startswith("text/csv")


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client, site_tree):
    response = client.get(DASHBOARD)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editors_see_the_audience_menu_item_and_authors_do_not(client, site_tree):
    client.force_login(member_of("Authors"))
    assert DASHBOARD.encode() not in client.get("/admin/").content
    client.force_login(member_of("Editors"))
    assert DASHBOARD.encode() in client.get("/admin/").content


def test_the_dashboard_draws_the_sites_views_as_inline_svg_with_no_script(editor_client, history):
    response = editor_client.get(DASHBOARD)

    assert response.status_code == 200
    text = response.content.decode()
    start = text.index("<svg", text.index("audience-chart"))
    svg = text[start : text.index("</svg>", start)]
    assert "pygal-chart" in svg
    assert "<script" not in svg and "http://kozea" not in svg and "https://" not in svg.replace("http://www.w3.org", "")
    assert "Views per day, whole site" in text
    assert "Harbour dredging starts" in text and "news.example.com" in text and "Ferry company" in text


def test_the_header_names_the_dashboard_and_numbers_are_grouped(editor_client, history):
    response = editor_client.get(DASHBOARD)

    text = response.content.decode()
    # Wagtail's slim header names the page by its last breadcrumb (by default "Home").
    breadcrumbs = text[text.index('data-controller="w-breadcrumbs"') :]
    assert breadcrumbs[: breadcrumbs.index("</nav>")].rstrip().count("Audience") == 1
    # 40 days of 1,000 + n views: the 30 days of the month's chart, with a thousands separator.
    total = sum(1000 + days_ago for days_ago in range(30))
    assert f"{total:,} views in all" in text


@pytest.mark.parametrize("chart", ["section", "author", "article"])
def test_the_chart_can_show_a_section_an_author_or_an_article(editor_client, history, site_tree, chart):
    chosen = {
        "section": site_tree.sections["news"].pk,
        "author": history["author"].pk,
        "article": history["harbour"].pk,
    }[chart]

    response = editor_client.get(DASHBOARD, {"period": "week", "chart": chart, chart: chosen})
    series = csv_rows(
        editor_client.get(DASHBOARD, {"period": "week", "chart": chart, chart: chosen, "export": "views"})
    )

    assert response.status_code == 200 and CHART in response.content
    assert series[0] == ["day", "views"] and len(series) == 1 + 7
    assert sum(int(views) for _, views in series[1:]) == 100  # the harbour article's 30 + 70


def test_the_csv_exports_hold_the_tables(editor_client, history):
    top = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "top"}))
    referrers = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "referrers"}))
    ads = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "ads"}))
    site = csv_rows(editor_client.get(DASHBOARD, {"period": "month", "export": "views"}))

    harbour, budget = history["harbour"], history["budget"]
    assert top == [
        ["page_id", "title", "path", "views"],
        [str(harbour.pk), "Harbour dredging starts", harbour.url_path, "100"],
        [str(budget.pk), "What the budget means", budget.url_path, "12"],
    ]
    assert referrers == [["domain", "views"], ["news.example.com", "9"], ["search.example", "4"]]
    assert ads == [
        ["creative_id", "creative", "impressions", "clicks", "click_through_rate_percent"],
        [str(history["creative"].pk), "Ferry company", "400", "6", "1.5"],
    ]
    assert len(site) == 1 + 30 and site[-1][1] == "1000"  # today's row last


def test_a_cell_that_starts_like_a_formula_is_exported_as_text(editor_client, history, site_tree):
    """Headlines come from contributors and imports, domains from other sites: an editor
    opening the export in a spreadsheet must not run one."""
    now = timezone.now()
    trap = make_article(site_tree.sections["news"], title='=HYPERLINK("http://evil.example","Open")')
    views_at(trap, hours_ago=1, views=500, now=now)
    ReferrerDaily.objects.create(page_id=trap.pk, day=now.date(), domain="-2+3.example", views=50)

    top = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "top"}))
    referrers = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "referrers"}))

    assert top[1][1] == '\'=HYPERLINK("http://evil.example","Open")'
    assert referrers[1] == ["'-2+3.example", "50"]


def test_the_last_24_hours_read_the_hourly_rows(editor_client, history):
    top = csv_rows(editor_client.get(DASHBOARD, {"period": "day", "export": "top"}))

    assert [row[1:] for row in top[1:]] == [
        ["Harbour dredging starts", history["harbour"].url_path, "30"],
        ["What the budget means", history["budget"].url_path, "12"],
    ]


def test_the_last_24_hours_of_ads_and_referrers_reach_into_yesterday(editor_client, site_tree, monkeypatch):
    """At two in the morning "the last 24 hours" showed the ads and referrers of two hours."""
    import datetime as dt

    early = dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: early)
    article = make_article(site_tree.sections["news"], title="Night ferry")
    creative = AdCreative.objects.create(name="Ferry company", slot=AdSlot.objects.get(placement="sidebar"))
    for hour, impressions in (
        (dt.datetime(2026, 12, 7, 1, tzinfo=dt.UTC), 7),
        (dt.datetime(2026, 12, 7, 20, tzinfo=dt.UTC), 300),
    ):
        AdCountsHourly.objects.create(creative=creative, hour=hour, impressions=impressions, clicks=3)
    ReferrerDaily.objects.create(page_id=article.pk, day=dt.date(2026, 12, 7), domain="night.example", views=5)

    ads = csv_rows(editor_client.get(DASHBOARD, {"period": "day", "export": "ads"}))
    referrers = csv_rows(editor_client.get(DASHBOARD, {"period": "day", "export": "referrers"}))
    page = editor_client.get(DASHBOARD, {"period": "day"}).content.decode()

    assert [row[2] for row in ads[1:]] == ["300"], "20:00 yesterday is within 24 hours; 01:00 is not"
    assert referrers[1:] == [["night.example", "5"]]
    assert "Ads, the last 24 hours" in page and "Referrer domains, 7 Dec 2026 – 8 Dec 2026" in page


@pytest.mark.parametrize(
    "params",
    [
        {"period": "custom"},
        {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"},
        {"period": "custom", "start": "2000-01-01", "end": "2026-01-01"},
        {"period": "custom", "start": "not-a-date", "end": "2026-01-01"},
        {"period": "custom", "start": "0001-01-01", "end": "0001-01-01"},
        {"period": "custom", "start": "9999-12-30", "end": "9999-12-31"},
        {"period": "fortnight"},
        {"chart": "section"},
        {"chart": "article", "article": "abc"},
        {"chart": "article", "article": "99999999999999"},
        {"chart": "author", "author": "-1"},
        {"export": "everything"},
    ],
)
def test_bad_input_never_fails_the_dashboard(editor_client, history, params):
    response = editor_client.get(DASHBOARD, params)

    assert response.status_code == 200
    assert CHART in response.content


def test_a_custom_period_reads_its_days(editor_client, history):
    today = timezone.now().date()
    start = today - timedelta(days=10)

    site = csv_rows(
        editor_client.get(
            DASHBOARD, {"period": "custom", "start": start.isoformat(), "end": today.isoformat(), "export": "views"}
        )
    )

    assert [row[0] for row in site[1:]] == [(start + timedelta(days=n)).isoformat() for n in range(11)]


def test_an_editor_pins_an_article_from_the_dashboards_top_list(editor_client, history):
    harbour = history["harbour"]
    form = editor_client.get("/admin/snippets/analytics/trendingchoice/add/", {"page": harbour.pk})
    assert form.status_code == 200

    response = editor_client.post(
        "/admin/snippets/analytics/trendingchoice/add/", {"page": harbour.pk, "kind": "pin", "until": ""}
    )

    assert response.status_code == 302
    assert TrendingChoice.objects.get(page=harbour).kind == TrendingChoice.Kind.PIN


def test_authors_may_not_change_trending(client, history):
    client.force_login(member_of("Authors"))

    response = client.post(
        "/admin/snippets/analytics/trendingchoice/add/", {"page": history["harbour"].pk, "kind": "exclude"}
    )

    assert response.status_code in (302, 403)
    assert not TrendingChoice.objects.exists()


def test_a_years_tables_come_from_the_workers_job_and_lag_by_at_most_its_period(editor_client, history):
    from masthead.analytics.reports import warm_year_reports

    def year_top():
        return csv_rows(editor_client.get(DASHBOARD, {"period": "year", "export": "top"}))[1:]

    assert [row[3] for row in year_top()] == ["100", "12"]
    views_on(history["budget"], days_ago=100, views=500, now=timezone.now())
    assert [row[3] for row in year_top()] == ["100", "12"]  # kept: a year's grouping is slow on SQLite

    warm_year_reports()

    assert year_top()[0][1:] == ["What the budget means", history["budget"].url_path, "512"]
    week = csv_rows(editor_client.get(DASHBOARD, {"period": "week", "export": "top"}))[1:]
    assert [row[3] for row in week] == ["100", "12"]  # a short period is always read afresh


def test_the_charts_dates_are_short_enough_not_to_overlap():
    from datetime import date

    from masthead.analytics.charts import views_chart

    month = [(date(2026, 11, 5) + timedelta(days=n), n) for n in range(30)]

    svg = str(views_chart(month, title="Views per day"))

    assert ">5 Nov<" in svg
    assert "2026-11-05" not in svg
