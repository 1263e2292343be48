"""Newsletter subscribers for `masthead generate`: one confirmed subscriber per generated
article (100,000 over 100,000 articles) spread over the site's lists (the demo's three
if it has none), so the delivery benchmark has its audience. Rows go in with
bulk_create, a batch at a time, each batch's subscriptions with it."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from masthead.demo.newsletter import CONSENT, _chosen, lists_ensure
from masthead.newsletter.models import Subscriber, SubscriberStatus, Subscription

BATCH = 5_000


def generate_newsletter(size, *, seed: int = 2026, progress=print) -> int:
    count = size.subscriber_count
    site = Site.objects.filter(is_default_site=True).first()
    if count < 1 or site is None:
        return 0
    lists = lists_ensure(site)
    rng = random.Random(seed)
    now = timezone.now()
    span_seconds = int(timedelta(days=365 * size.years).total_seconds())
    # Addresses unique across runs: numbered after the subscribers already there.
    first = Subscriber.objects.filter(site=site).count()
    made = 0
    while made < count:
        batch = []
        for number in range(made, min(count, made + BATCH)):
            created = now - timedelta(seconds=rng.randrange(span_seconds))
            batch.append(
                Subscriber(
                    site=site,
                    email=f"subscriber{first + number}@example.org",
                    status=SubscriberStatus.CONFIRMED,
                    source=Subscriber.Source.IMPORT,
                    created_at=created,
                    confirmation_sent_at=created,
                    confirmed_at=created + timedelta(minutes=5),
                    consent_text=CONSENT,
                )
            )
        with transaction.atomic():
            rows = Subscriber.objects.bulk_create(batch)
            if rows and rows[0].pk is None:  # a database that cannot return ids from a bulk insert
                rows = list(Subscriber.objects.filter(site=site, email__in=[row.email for row in batch]))
            Subscription.objects.bulk_create(
                [
                    Subscription(subscriber_id=row.pk, newsletter_list_id=newsletter_list.pk, created_at=row.created_at)
                    for row in rows
                    for newsletter_list in _chosen(rng, lists)
                ]
            )
        made += len(batch)
        progress(f"{made:,} of {count:,} subscribers")
    return made
