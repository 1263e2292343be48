"""The beacon: what it counts, what it refuses, and what it leaves uncounted. These run
in the embedded default (counts written straight to the tables)."""

from __future__ import annotations

import datetime

import pytest

from masthead.analytics import beacon, visitors
from masthead.analytics.models import (
    AdCountsHourly,
    DailySalt,
    PageViewsDaily,
    PageViewsHourly,
    PageViewTotal,
    RecentView,
    ReferrerDaily,
    SiteViewsDaily,
)
from masthead.analytics.tests.conftest import BROWSER_UA
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC).timestamp()


@pytest.fixture
def clock(monkeypatch):
    """The beacon's clock, moved by hand."""
    now = [NOON]
    monkeypatch.setattr("masthead.analytics.beacon.time.time", lambda: now[0])
    return now


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"])


def total(page) -> int:
    row = PageViewTotal.objects.filter(page_id=page.pk).first()
    return row.views if row else 0


def test_a_view_is_written_to_every_table_at_once(beacons, article, clock):
    beacons.view(article.pk)
    hour = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC)
    assert PageViewsHourly.objects.get(page_id=article.pk).hour == hour
    assert PageViewsHourly.objects.get(page_id=article.pk).views == 1
    assert PageViewsDaily.objects.get(page_id=article.pk).day == hour.date()
    assert SiteViewsDaily.objects.get(day=hour.date()).views == 1
    assert total(article) == 1
    assert not ReferrerDaily.objects.exists()


def test_one_view_per_reader_per_page_per_thirty_minutes(beacons, article, site_tree, clock):
    other = make_article(site_tree.sections["news"])
    beacons.view(article.pk)
    beacons.view(article.pk)  # a reload
    beacons.view(other.pk)  # another article: its own view
    beacons.view(article.pk, address="198.51.100.4")  # another reader
    beacons.view(article.pk, user_agent=BROWSER_UA.replace("131", "130"))  # another browser
    assert (total(article), total(other)) == (3, 1)
    clock[0] += 29 * 60 + 59
    beacons.view(article.pk)
    assert total(article) == 3
    clock[0] += 1
    beacons.view(article.pk)
    assert total(article) == 4


def test_no_address_or_user_agent_is_stored(beacons, article, clock):
    beacons.view(article.pk, address="192.0.2.99")
    (row,) = RecentView.objects.all()
    assert "192.0.2.99" not in row.key and len(row.key) == 32
    assert row.expires_at == datetime.datetime.fromtimestamp(NOON + 1800, datetime.UTC)


def test_the_salt_rotates_each_utc_day_and_yesterdays_is_deleted_half_an_hour_later(beacons, article, clock):
    beacons.view(article.pk)
    first_salt = DailySalt.objects.get().salt
    clock[0] = NOON + 12 * 3600  # midnight: a new day, a new salt
    beacons.view(article.pk)  # the same reader hashes differently: counted on the new day
    assert total(article) == 2
    assert DailySalt.objects.count() == 2
    assert visitors.forget_old_salts(clock[0] + 29 * 60) == 0  # still checked against
    assert visitors.forget_old_salts(clock[0] + 30 * 60) == 1
    (today,) = DailySalt.objects.all()
    assert today.day == datetime.date(2026, 12, 5) and today.salt != first_salt


MIDNIGHT = datetime.datetime(2026, 12, 5, 0, 0, tzinfo=datetime.UTC).timestamp()


def test_a_reader_reading_across_midnight_is_counted_once_in_the_window(beacons, article, site_tree, clock):
    """The salt changes at midnight, so the same reader's hash does: a reload at 00:05 of
    an article counted at 23:55 was counted again."""
    other = make_article(site_tree.sections["news"])
    clock[0] = MIDNIGHT - 5 * 60
    beacons.view(article.pk)
    clock[0] = MIDNIGHT + 5 * 60
    beacons.view(article.pk)  # the reload, under the new day's salt
    beacons.view(other.pk)  # a first view is counted as ever
    beacons.view(other.pk)  # and its reload is not
    assert (total(article), total(other)) == (1, 1)
    clock[0] = MIDNIGHT + 25 * 60  # the 23:55 window is over: a new view
    beacons.view(article.pk)
    assert total(article) == 2
    clock[0] = MIDNIGHT + 40 * 60
    beacons.view(article.pk)  # within the 00:25 one, under today's salt alone
    assert total(article) == 2
    assert all(len(key) == 32 for key in RecentView.objects.values_list("key", flat=True))


def test_the_earlier_salt_is_the_dedupe_window():
    from masthead.analytics import counting

    assert visitors.EARLIER_SALT_SECONDS == counting.DEDUPE_SECONDS


def test_the_visitor_hash_is_the_days_keyed_blake2b_and_follows_a_new_salt():
    """The privacy note's construction, whatever the hashing keeps between beacons."""
    import hashlib

    for salt in (b"a" * 64, b"b" * 64, b"a" * 64):
        expected = hashlib.blake2b(b"198.51.100.7\0Firefox\x0042", digest_size=16, key=salt).hexdigest()
        assert visitors.visitor_hash(salt=salt, address="198.51.100.7", user_agent="Firefox", viewed="42") == expected
    assert visitors.visitor_hash(salt=b"a" * 64, address="198.51.100.7", user_agent="Firefox", viewed="43") != expected


def test_the_salt_is_made_once_and_shared_by_every_worker(article, clock):
    salt = visitors.day_salt(NOON)
    visitors.reset_for_tests()  # another worker, which has not read it yet
    assert visitors.day_salt(NOON + 3600) == salt
    assert DailySalt.objects.count() == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 "
        "Chrome-Lighthouse",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_and_headless_browsers_are_not_counted(beacons, article, user_agent):
    beacons.view(article.pk, user_agent=user_agent)
    assert total(article) == 0 and not RecentView.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}, {"HTTP_PURPOSE": "prefetch"}],
)
def test_prefetches_are_not_counted(beacons, article, headers):
    beacons.view(article.pk, headers=headers)
    assert total(article) == 0


def test_pages_that_are_not_live_and_public_are_not_counted(beacons, site_tree):
    draft = make_article(site_tree.sections["news"], publish=False)
    beacons.view(draft.pk)
    beacons.view(987654)
    assert not PageViewTotal.objects.exists()


def test_a_page_published_a_moment_ago_is_counted_within_seconds(beacons, site_tree, monkeypatch):
    beacons.view(site_tree.home.pk)  # the worker reads its list of pages now
    article = make_article(site_tree.sections["news"])
    beacons.view(article.pk)
    assert total(article) == 0  # just read: not asked again at once
    monkeypatch.setattr("masthead.analytics.known.MISS_REFRESH_SECONDS", 0.0)
    beacons.view(article.pk)
    assert total(article) == 1


def test_referrers_are_kept_as_domains_of_other_sites_only(beacons, article, site_tree):
    second = make_article(site_tree.sections["news"])
    third = make_article(site_tree.sections["news"])
    beacons.view(article.pk, body_extra="&ref=https%3A%2F%2Fwww.search.example%2Fsearch%3Fq%3Dprivate")
    beacons.view(second.pk, body_extra="&ref=https%3A%2F%2Fnews.example%2Flatest%2F")  # our own site
    beacons.view(third.pk, body_extra="&ref=android-app%3A%2F%2Fcom.example")  # not a web address
    (row,) = ReferrerDaily.objects.all()
    assert (row.page_id, row.domain, row.views) == (article.pk, "search.example", 1)
    assert total(second) == total(third) == 1


@pytest.mark.parametrize(
    "body, reason",
    [
        ("", "expected page"),
        ("page=", "page must be a positive whole number"),
        ("page=abc", "page must be"),
        ("page=-3", "page must be"),
        ("page=0", "page must be"),
        ("page=99999999999999999999999", "page must be"),
        ("page=%C2%B2", "page must be"),
        ("page=1&page=2", "repeated"),
        ("page=1&who=me", "expected page"),
        ("ad=1&event=hover", "event must be impression or click"),
        ("ad=x&event=click", "ad must be"),
        ("ad=1", "expected page"),
        ("\x00\xff", "form-encoded"),
        ("page=1&ref=a&x=1&y=2&z=3", "form-encoded"),
        ('{"page": 1}', "form-encoded"),
    ],
)
def test_malformed_beacons_are_400_with_a_reason_never_500(beacons, site_tree, body, reason):
    status, headers, text = beacons.send(body.encode("latin-1"))
    assert status == 400 and reason in text, (status, text)
    assert headers["Content-Type"].startswith("text/plain")


def test_oversized_bodies_other_methods_and_other_paths(beacons, site_tree):
    status, _, text = beacons.send(b"page=1&ref=" + b"a" * beacon.MAX_BODY_BYTES)
    assert status == 413 and "at most" in text
    status, headers, _ = beacons.send(method="GET")
    assert status == 405 and headers["Allow"] == "POST"
    assert beacons.send(b"page=1", path="/analytics/beacon/x")[0] == 404  # passed on


def test_no_cookie_is_set_and_nothing_is_cached(beacons, article):
    status, headers, text = beacons.send(f"page={article.pk}", headers={"HTTP_COOKIE": "sessionid=abc"})
    assert status == 204 and text == ""
    assert "Set-Cookie" not in headers and headers["Cache-Control"] == "no-store"


def test_ad_impressions_and_clicks_are_counted_once_per_reader(beacons, site_tree, clock):
    from masthead.ads.models import AdCreative, AdSlot

    creative = AdCreative.objects.create(slot=AdSlot.objects.first(), name="House ad", html="<p>Subscribe</p>")
    for _ in range(2):
        assert beacons.send(f"ad={creative.pk}&event=impression")[0] == 204
    assert beacons.send(f"ad={creative.pk}&event=impression", address="198.51.100.4")[0] == 204
    assert beacons.send(f"ad={creative.pk}&event=click")[0] == 204
    row = AdCountsHourly.objects.get(creative=creative)
    assert (row.impressions, row.clicks) == (2, 1)


def test_django_gives_the_same_answers_when_it_is_reached_first(client, article):
    """`runserver` and test servers reach Django before the WSGI callable."""
    form = "application/x-www-form-urlencoded"
    response = client.post("/analytics/beacon/", f"page={article.pk}", content_type=form, HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 204 and not response.cookies and "Content-Type" not in response
    assert total(article) == 1
    response = client.post("/analytics/beacon/", "page=x", content_type=form, HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 400 and b"page must be" in response.content
    assert client.get("/analytics/beacon/").status_code == 405


def test_masthead_serve_answers_the_beacon_before_the_page_cache_and_django(beacons, article):
    import gc

    from masthead.wsgi import build_application

    gc.unfreeze()  # importing the module froze the test process's objects, as a server's at start
    application = build_application()
    assert isinstance(application, beacon.BeaconApplication)
    beacons.application = application
    beacons.view(article.pk)
    assert total(article) == 1


def test_the_periodic_job_forgets_expired_views_and_old_salts(beacons, article, clock):
    from masthead.analytics import jobs

    beacons.view(article.pk)
    clock[0] += 86_400
    jobs.forget_old_visitors()
    assert not RecentView.objects.exists() and not DailySalt.objects.exists()
