"""newsletter/digests.py: a digest per list and period, at the schedule time in the site's
time zone, of the articles first published since the last one; none when nothing is new."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from masthead.news.tests.factories import make_article
from masthead.newsletter import digests, jobs
from masthead.newsletter.models import Edition, EditionState, NewsletterList
from masthead.newsletter.tests.delivery_helpers import newsletter_list, subscribers

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _berlin(settings, tmp_path):
    settings.TIME_ZONE = "Europe/Berlin"
    settings.NEWSLETTER_JOURNAL_DIR = tmp_path / "journal"


@pytest.fixture
def daily(site_tree):
    return newsletter_list(
        site_tree.site, slug="morning", frequency=NewsletterList.Frequency.DAILY, send_time=datetime.time(7, 0)
    )


@pytest.fixture
def weekly(site_tree):
    return newsletter_list(
        site_tree.site,
        slug="week",
        name="Week in review",
        frequency=NewsletterList.Frequency.WEEKLY,
        weekday=6,
        send_time=datetime.time(18, 30),
    )


def published(site_tree, when: datetime.datetime, title: str = ""):
    article = make_article(site_tree.sections["news"], title=title)
    type(article).objects.filter(pk=article.pk).update(first_published_at=when)
    return article


def test_a_daily_schedule_is_seven_in_the_morning_in_berlin_across_the_clock_change(daily):
    # 29 March 2026: clocks go from 02:00 CET to 03:00 CEST.
    before = datetime.datetime(2026, 3, 29, 4, 59, tzinfo=UTC)  # 06:59 CEST
    after = datetime.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert digests.period_end(daily, before) == datetime.datetime(2026, 3, 28, 7, 0, tzinfo=BERLIN)
    assert digests.period_end(daily, before).astimezone(UTC).hour == 6  # 07:00 CET
    assert digests.period_end(daily, after) == datetime.datetime(2026, 3, 29, 7, 0, tzinfo=BERLIN)
    assert digests.period_end(daily, after).astimezone(UTC) == after


def test_a_weekly_schedule_is_its_weekday_and_time(weekly):
    sunday_evening = datetime.datetime(2026, 3, 1, 18, 30, tzinfo=BERLIN)  # a Sunday
    assert digests.period_end(weekly, sunday_evening) == sunday_evening
    assert digests.period_end(weekly, sunday_evening - datetime.timedelta(minutes=1)) == datetime.datetime(
        2026, 2, 22, 18, 30, tzinfo=BERLIN
    )
    assert digests.period_end(weekly, datetime.datetime(2026, 3, 4, 9, 0, tzinfo=BERLIN)) == sunday_evening


def test_a_digest_holds_the_articles_first_published_since_the_last_one_and_starts_sending(
    site_tree, daily, django_capture_on_commit_callbacks
):
    subscribers(daily, 3)
    now = datetime.datetime(2026, 5, 12, 7, 1, tzinfo=BERLIN)
    end = datetime.datetime(2026, 5, 12, 7, 0, tzinfo=BERLIN)
    published(site_tree, end - datetime.timedelta(days=2), "Too old for the first digest")
    inside = published(site_tree, end - datetime.timedelta(hours=3), "Overnight council vote")
    published(site_tree, end + datetime.timedelta(seconds=30), "After the schedule time: the next digest")

    with django_capture_on_commit_callbacks(execute=True):
        edition = digests.digest_make(daily, now=now)

    assert [row.page_id for row in edition.edition_articles.all()] == [inside.pk]
    assert (edition.kind, edition.period_start, edition.period_end) == (
        Edition.Kind.DIGEST,
        end - datetime.timedelta(days=1),
        end,
    )
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
    assert len(django_mail.outbox) == 3 and "Overnight council vote" in django_mail.outbox[0].body

    tomorrow = now + datetime.timedelta(days=1)
    second = digests.digest_make(daily, now=tomorrow)
    assert second.period_start == end
    assert [row.page.title for row in second.edition_articles.all()] == ["After the schedule time: the next digest"]


def test_a_busy_days_digest_holds_its_newest_articles(site_tree, daily):
    """It held the 30 first published, and the period then ended: the day's newest
    stories were in no digest at all."""
    end = datetime.datetime(2026, 5, 12, 7, 0, tzinfo=BERLIN)
    titles = [f"Story {n}" for n in range(digests.MAX_ARTICLES + 5)]
    for minutes, title in enumerate(titles):
        published(site_tree, end - datetime.timedelta(hours=20) + datetime.timedelta(minutes=minutes), title)

    edition = digests.digest_make(daily, now=end + datetime.timedelta(minutes=1))

    shown = [row.page.title for row in edition.edition_articles.order_by("position")]
    assert shown == titles[-digests.MAX_ARTICLES :]


def test_a_digest_whose_start_failed_is_sent_by_the_periodic_job(
    site_tree, daily, monkeypatch, django_capture_on_commit_callbacks
):
    """It was made a draft and then started: a start that failed (the worker killed, the
    database busy) left a draft nothing sends, and its period counted as done."""
    from masthead.newsletter import sending

    subscribers(daily, 2)
    now = datetime.datetime(2026, 5, 12, 7, 1, tzinfo=BERLIN)
    published(site_tree, now - datetime.timedelta(hours=3), "Overnight council vote")
    real_start = sending.edition_start

    def worker_killed(**kwargs):
        raise RuntimeError("the worker was killed here")

    monkeypatch.setattr(sending, "edition_start", worker_killed)
    with pytest.raises(RuntimeError):
        digests.digests_make(now=now)
    monkeypatch.setattr(sending, "edition_start", real_start)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.run()

    (edition,) = Edition.objects.filter(kind=Edition.Kind.DIGEST)
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
    assert len(django_mail.outbox) == 2


def test_no_digest_without_new_articles(site_tree, daily):
    published(site_tree, datetime.datetime(2026, 5, 1, 7, 0, tzinfo=BERLIN))
    assert digests.digest_make(daily, now=datetime.datetime(2026, 5, 12, 7, 5, tzinfo=BERLIN)) is None
    assert not Edition.objects.exists()


def test_a_job_that_fires_twice_makes_one_digest_per_period(site_tree, daily, weekly):
    now = datetime.datetime(2026, 5, 10, 18, 31, tzinfo=BERLIN)  # Sunday
    published(site_tree, now - datetime.timedelta(hours=14))  # 04:31: in both lists' periods
    assert len(digests.digests_make(now=now)) == 2
    assert digests.digests_make(now=now) == []
    assert digests.digests_make(now=now + datetime.timedelta(minutes=20)) == []
    assert Edition.objects.filter(newsletter_list=daily).count() == 1
    assert Edition.objects.filter(newsletter_list=weekly).count() == 1


def test_the_periodic_job_starts_a_scheduled_edition_whose_time_has_come(
    site_tree, daily, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    subscribers(daily, 2)
    due = Edition.objects.create(
        newsletter_list=daily,
        subject="Due",
        state=EditionState.SCHEDULED,
        scheduled_for=timezone.now() - datetime.timedelta(minutes=1),
    )
    later = Edition.objects.create(
        newsletter_list=daily,
        subject="Later",
        state=EditionState.SCHEDULED,
        scheduled_for=timezone.now() + datetime.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run()
    assert Edition.objects.get(pk=due.pk).state == EditionState.SENT
    assert Edition.objects.get(pk=later.pk).state == EditionState.SCHEDULED
    assert len(django_mail.outbox) == 2
