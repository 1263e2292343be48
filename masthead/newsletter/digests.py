"""Automatic digests: for each digest list whose schedule time (site time zone: daily at
send_time, weekly on weekday at send_time) has come since its last digest, one edition of
the articles first published in [the last digest's period_end, this schedule time), and
its send started. No articles, no digest (the period is then covered by the next one).

The period ends at the schedule time, not at the moment the job ran, so every run in the
same period names the same period_end and the database's one-digest-per-period
constraint makes a job that fires twice (two workers, a retry) harmless.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from masthead.newsletter.models import Edition, EditionArticle, EditionState, NewsletterList

logger = logging.getLogger(__name__)
MAX_ARTICLES = 30


def _at(day: datetime.date, when: datetime.time, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, when, tzinfo=zone)


def period_end(newsletter_list: NewsletterList, now: datetime.datetime) -> datetime.datetime | None:
    """The list's latest schedule time at or before `now`; None for an unscheduled list."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    if newsletter_list.frequency == NewsletterList.Frequency.DAILY:
        end = _at(local.date(), newsletter_list.send_time, zone)
        return end if end <= now else _at(local.date() - datetime.timedelta(days=1), newsletter_list.send_time, zone)
    if newsletter_list.frequency == NewsletterList.Frequency.WEEKLY:
        day = local.date() - datetime.timedelta(days=(local.weekday() - newsletter_list.weekday) % 7)
        end = _at(day, newsletter_list.send_time, zone)
        return end if end <= now else _at(day - datetime.timedelta(days=7), newsletter_list.send_time, zone)
    return None


def _period_length(newsletter_list: NewsletterList) -> datetime.timedelta:
    return datetime.timedelta(days=7 if newsletter_list.frequency == NewsletterList.Frequency.WEEKLY else 1)


def new_articles(newsletter_list: NewsletterList, start, end) -> list:
    from masthead.news.models import ArticlePage

    # The newest MAX_ARTICLES, shown oldest first: on a day with more, the digest leads
    # with what readers are least likely to have seen (it took the oldest, and the
    # newest stories of a busy day were in no digest at all).
    newest = list(
        ArticlePage.objects.live()
        .public()
        .descendant_of(newsletter_list.site.root_page)
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .order_by("-first_published_at", "-pk")[:MAX_ARTICLES]
    )
    return newest[::-1]


def digest_make(newsletter_list: NewsletterList, *, now=None) -> Edition | None:
    """The digest due for this list, made and started; None if none is due or there is
    nothing new."""
    now = now or timezone.now()
    end = period_end(newsletter_list, now)
    if end is None:
        return None
    last = Edition.objects.filter(newsletter_list=newsletter_list, kind=Edition.Kind.DIGEST).aggregate(
        last=Max("period_end")
    )["last"]
    if last is not None and last >= end:
        return None
    start = last or end - _period_length(newsletter_list)
    articles = new_articles(newsletter_list, start, end)
    if not articles:
        return None
    local_day = timezone.localtime(end, timezone.get_default_timezone()).date()
    try:
        with transaction.atomic():
            # Scheduled for now, not a draft: if starting it fails below (the worker killed,
            # the database busy), the periodic job starts it, where a draft stayed unsent
            # and its period counted as done.
            edition = Edition.objects.create(
                newsletter_list=newsletter_list,
                kind=Edition.Kind.DIGEST,
                state=EditionState.SCHEDULED,
                scheduled_for=now,
                subject=f"{newsletter_list.name}: {local_day:%A} {local_day.day} {local_day:%B %Y}",  # no %-d: glibc only
                period_start=start,
                period_end=end,
            )
            EditionArticle.objects.bulk_create(
                [
                    EditionArticle(edition=edition, page=page, position=position)
                    for position, page in enumerate(articles)
                ]
            )
    except IntegrityError:  # another run made this period's digest a moment ago
        return None
    from masthead.newsletter import sending

    sending.edition_start(edition_id=edition.pk, now=now)
    return edition


def digests_make(*, now=None) -> list[int]:
    made = []
    lists = NewsletterList.objects.filter(kind=NewsletterList.Kind.DIGEST).exclude(
        frequency=NewsletterList.Frequency.NONE
    )
    for newsletter_list in lists.select_related("site", "site__root_page"):
        edition = digest_make(newsletter_list, now=now)
        if edition is not None:
            made.append(edition.pk)
    return made
