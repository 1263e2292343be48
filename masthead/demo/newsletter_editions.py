"""The demo's newsletter editions: a digest of the morning briefing, sent (its delivery
rows made at once, its mails sent by the worker `make run` starts, into the data folder's
mail files), and a composed draft to try the edition screen on. The lists are the reader
side's (`morning-briefing`, `week-in-review`, `breaking`), made here if missing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.newsletter import sending
from masthead.newsletter.models import (
    Edition,
    EditionArticle,
    NewsletterList,
    Subscriber,
    SubscriberStatus,
    Subscription,
)

LISTS = [
    ("morning-briefing", "Morning briefing", NewsletterList.Kind.DIGEST, NewsletterList.Frequency.DAILY),
    ("week-in-review", "The week in review", NewsletterList.Kind.DIGEST, NewsletterList.Frequency.WEEKLY),
    ("breaking-news", "Breaking news", NewsletterList.Kind.BREAKING, NewsletterList.Frequency.NONE),
]
DEMO_READERS = ["ada.reader@example.org", "grace.reader@example.org", "linus.reader@example.org"]


def _lists(site) -> dict[str, NewsletterList]:
    made = {}
    for position, (slug, name, kind, frequency) in enumerate(LISTS):
        made[slug], _ = NewsletterList.objects.get_or_create(
            site=site, slug=slug, defaults={"name": name, "kind": kind, "frequency": frequency, "position": position}
        )
    return made


def _readers(site, lists: dict[str, NewsletterList], now) -> None:
    if Subscription.objects.filter(newsletter_list=lists["morning-briefing"]).exists():
        return  # the reader side's demo subscribers are there
    for email in DEMO_READERS:
        subscriber, _ = Subscriber.objects.get_or_create(
            site=site,
            email=email,
            defaults={"status": SubscriberStatus.CONFIRMED, "confirmed_at": now, "source": Subscriber.Source.ADMIN},
        )
        for newsletter_list in lists.values():
            Subscription.objects.get_or_create(subscriber=subscriber, newsletter_list=newsletter_list)


def demo_editions(site, now=None) -> int:
    """Returns how many editions were added (none on a second run)."""
    now = now or timezone.now()
    lists = _lists(site)
    _readers(site, lists, now)
    briefing = lists["morning-briefing"]
    if Edition.objects.filter(newsletter_list=briefing).exists():
        return 0
    articles = list(ArticlePage.objects.live().descendant_of(site.root_page).order_by("-first_published_at", "-pk")[:6])
    if not articles:
        return 0
    local = timezone.localtime(now)
    end = datetime.datetime.combine(local.date(), briefing.send_time, tzinfo=local.tzinfo)
    if end > now:
        end -= datetime.timedelta(days=1)
    digest = Edition.objects.create(
        newsletter_list=briefing,
        kind=Edition.Kind.DIGEST,
        subject=f"Morning briefing: {end:%A %-d %B}",
        period_start=end - datetime.timedelta(days=1),
        period_end=end,
    )
    draft = Edition.objects.create(
        newsletter_list=lists["week-in-review"],
        subject="The week in review: the stories that mattered",
        intro="Our editors' pick of the week, with the background you need.",
    )
    EditionArticle.objects.bulk_create(
        [EditionArticle(edition=digest, page=page, position=number) for number, page in enumerate(articles[:4])]
        + [EditionArticle(edition=draft, page=page, position=number) for number, page in enumerate(articles[2:6])]
    )
    # Its mails go after the demo's transaction commits, through the task the worker runs.
    sending.edition_start(edition_id=digest.pk, now=now)
    return 2
