"""Lists and subscribers for the newsletter's tests."""

from __future__ import annotations

import re

from django.utils import timezone

from masthead.newsletter import links
from masthead.newsletter.models import NewsletterList, Subscriber, SubscriberStatus, Subscription

LIST_SPECS = [
    ("morning", "The Morning Briefing", NewsletterList.Kind.DIGEST, NewsletterList.Frequency.DAILY),
    ("week", "The Week in Review", NewsletterList.Kind.DIGEST, NewsletterList.Frequency.WEEKLY),
    ("breaking", "Breaking news", NewsletterList.Kind.BREAKING, NewsletterList.Frequency.NONE),
]


def make_lists(site) -> dict[str, NewsletterList]:
    return {
        slug: NewsletterList.objects.create(
            site=site, slug=slug, name=name, kind=kind, frequency=frequency, position=position
        )
        for position, (slug, name, kind, frequency) in enumerate(LIST_SPECS)
    }


def make_subscriber(site, email="reader@example.org", *, status=SubscriberStatus.CONFIRMED, lists=(), **fields):
    now = timezone.now()
    if status == SubscriberStatus.CONFIRMED:
        fields.setdefault("confirmed_at", now)
    if status == SubscriberStatus.UNSUBSCRIBED:
        fields.setdefault("unsubscribed_at", now)
    if status == SubscriberStatus.BOUNCED:
        fields.setdefault("bounced_at", now)
    subscriber = Subscriber.objects.create(site=site, email=email, status=status, **fields)
    for newsletter_list in lists:
        Subscription.objects.create(subscriber=subscriber, newsletter_list=newsletter_list)
    return subscriber


def link_in(text: str, purpose: str) -> str:
    """The path of the first /newsletter/<purpose>/ link in a mail's text."""
    found = re.search(rf"https?://[^/\s]+(/newsletter/{purpose}/[^/\s]+/)", text)
    assert found, f"no {purpose} link in:\n{text}"
    return found.group(1)


def path(subscriber, purpose: str) -> str:
    return links.path(subscriber, purpose)
