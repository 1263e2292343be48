"""The demo newsroom's newsletter: three lists (a daily digest at 07:00, a weekly review,
breaking alerts), the settings' sender details, and a few hundred readers in every state
(most confirmed, some paused, some waiting to confirm, some gone), so the admin's
screens and counts have shape at once. Nobody is mailed: these rows are written as if
their mails had gone out long ago. `masthead generate` uses the same lists."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from masthead.newsletter.models import NewsletterList, NewsletterSettings, Subscriber, SubscriberStatus, Subscription

LISTS = [
    {
        "slug": "morning-briefing",
        "name": "The Morning Briefing",
        "description": "The day's stories before breakfast, every morning at 07:00.",
        "kind": NewsletterList.Kind.DIGEST,
        "frequency": NewsletterList.Frequency.DAILY,
        "send_time": datetime.time(7, 0),
    },
    {
        "slug": "week-in-review",
        "name": "The Week in Review",
        "description": "The week's most-read reporting and analysis, on Saturday mornings.",
        "kind": NewsletterList.Kind.DIGEST,
        "frequency": NewsletterList.Frequency.WEEKLY,
        "send_time": datetime.time(8, 0),
        "weekday": 5,
    },
    {
        "slug": "breaking-news",
        "name": "Breaking news",
        "description": "Only when something big happens.",
        "kind": NewsletterList.Kind.BREAKING,
        "frequency": NewsletterList.Frequency.NONE,
    },
]
# Shares of the demo readers per state, in a few hundred.
DEMO_READERS = 300
STATES = (
    [SubscriberStatus.CONFIRMED] * 80
    + [SubscriberStatus.PENDING] * 8
    + [SubscriberStatus.UNSUBSCRIBED] * 9
    + [SubscriberStatus.BOUNCED] * 3
)
NAMES = ["ada", "ben", "chiara", "dmitri", "elif", "farah", "gustav", "hana", "ines", "jonas", "kofi", "lena"]
CONSENT = NewsletterSettings._meta.get_field("consent_text").default


def lists_ensure(site) -> list[NewsletterList]:
    """The three lists, made if the site has none yet (an editor's own lists stay)."""
    existing = list(NewsletterList.objects.filter(site=site))
    if existing:
        return existing
    return [NewsletterList.objects.create(site=site, position=position, **spec) for position, spec in enumerate(LISTS)]


def newsletter_demo(site, now=None, *, readers: int = DEMO_READERS, seed: int = 12) -> int:
    """Lists, settings and readers; on a site that has subscribers, nothing is added."""
    now = now or timezone.now()
    settings, _ = NewsletterSettings.objects.get_or_create(site=site)
    if not settings.postal_address:
        settings.postal_address = "The Meridian Ledger, 12 Quay Street, Aldmere, Kestria (fictional)"
        settings.save()
    lists = lists_ensure(site)
    if Subscriber.objects.filter(site=site).exists():
        return 0
    rng = random.Random(seed)
    subscribers = []
    for number in range(readers):
        status = rng.choice(STATES)
        created = now - datetime.timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(1440))
        confirmed = created + datetime.timedelta(minutes=rng.randrange(2, 600))
        gone = confirmed + (now - confirmed) * rng.random()
        subscribers.append(
            Subscriber(
                site=site,
                email=f"{rng.choice(NAMES)}.{number}@example.org",
                status=status,
                source=rng.choice([Subscriber.Source.SIGNUP] * 4 + [Subscriber.Source.IMPORT]),
                created_at=created,
                confirmation_sent_at=created,
                confirmed_at=None if status == SubscriberStatus.PENDING else confirmed,
                unsubscribed_at=gone if status == SubscriberStatus.UNSUBSCRIBED else None,
                bounced_at=gone if status == SubscriberStatus.BOUNCED else None,
                bounce_count=3 if status == SubscriberStatus.BOUNCED else 0,
                paused_until=(now + datetime.timedelta(days=rng.randrange(3, 30))).date()
                if status == SubscriberStatus.CONFIRMED and rng.random() < 0.05
                else None,
                consent_text=CONSENT,
            )
        )
    made = Subscriber.objects.bulk_create(subscribers)
    if made and made[0].pk is None:
        made = list(Subscriber.objects.filter(site=site).order_by("pk"))
    Subscription.objects.bulk_create(
        [
            Subscription(subscriber_id=subscriber.pk, newsletter_list_id=newsletter_list.pk)
            for subscriber in made
            for newsletter_list in _chosen(rng, lists)
        ]
    )
    return len(made)


def _chosen(rng: random.Random, lists: list[NewsletterList]) -> list[NewsletterList]:
    """Most readers take the morning briefing; some the weekly review, some breaking news."""
    shares = [0.75, 0.45, 0.35] + [0.2] * max(0, len(lists) - 3)
    chosen = [newsletter_list for newsletter_list, share in zip(lists, shares, strict=False) if rng.random() < share]
    return chosen or [lists[0]]
