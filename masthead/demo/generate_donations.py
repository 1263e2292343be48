"""Donations for `masthead generate`: one per two generated articles (50,000 over
100,000), spread over the generated years, so the Donations screen is measured at size.

Most are completed (a few refunded), some pending, some abandoned at PayPal, as a real
donate button sees. Rows go in with bulk_create, a batch at a time; capture ids are
made up ("GEN-…") since no money moved.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from masthead.donations.models import Donation, DonationState

DONATIONS_PER_ARTICLE = 0.5
BATCH = 5_000
AMOUNTS = [Decimal(a) for a in ("5", "10", "10", "25", "25", "25", "50", "100", "15", "20", "7.50", "12.50")]
CURRENCIES = ["USD", "USD", "EUR", "EUR", "EUR", "GBP"]
STATES = [DonationState.COMPLETED] * 16 + [DonationState.REFUNDED, DonationState.PENDING, DonationState.ABANDONED]
NAMES = ["Ada", "Ben", "Chiara", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas", "Kofi", "Lena"]


def generate_donations(size, *, seed: int = 2026, progress=print) -> int:
    count = int(size.articles * DONATIONS_PER_ARTICLE)
    site = Site.objects.filter(is_default_site=True).first()
    if count < 1 or site is None:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    span_seconds = int(timedelta(days=365 * size.years).total_seconds())
    first_id = (Donation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    made = 0
    while made < count:
        batch = []
        for number in range(made, min(count, made + BATCH)):
            created = now - timedelta(seconds=rng.randrange(span_seconds))
            state = rng.choice(STATES)
            paid = state in (DonationState.COMPLETED, DonationState.REFUNDED)
            name = rng.choice(NAMES)
            batch.append(
                Donation(
                    site=site,
                    amount=rng.choice(AMOUNTS),
                    currency=rng.choice(CURRENCIES),
                    name=name,
                    email=f"{name.lower()}{number}@example.org",
                    anonymous=rng.random() < 0.2,
                    provider_order_id=f"GEN-O-{first_id + number}",
                    capture_id=f"GEN-C-{first_id + number}" if paid or state == DonationState.PENDING else None,
                    state=state,
                    created_at=created,
                    approved_at=created + timedelta(minutes=1) if state != DonationState.ABANDONED else None,
                    completed_at=created + timedelta(minutes=1) if paid else None,
                    pending_at=created + timedelta(minutes=1) if state == DonationState.PENDING else None,
                    refunded_at=created + timedelta(days=2) if state == DonationState.REFUNDED else None,
                    abandoned_at=created + timedelta(days=1) if state == DonationState.ABANDONED else None,
                    receipt_sent_at=created + timedelta(minutes=2) if paid else None,
                )
            )
        with transaction.atomic():
            Donation.objects.bulk_create(batch)
        made += len(batch)
        progress(f"{made:,} of {count:,} donations")
    return made
