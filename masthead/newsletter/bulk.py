"""Many confirmed subscribers at once, for the delivery benchmark, its tests and the demo:
inserted in chunks and subscribed by one INSERT … SELECT, so memory stays flat."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from masthead.newsletter.models import Subscriber, SubscriberStatus, Subscription

CHUNK = 5_000


def subscribers_bulk_create(*, newsletter_list, count: int, prefix: str = "reader", domain: str = "example.org") -> int:
    """`count` confirmed subscribers <prefix>-<n>@<domain> on the list's site, all on the list."""
    now = timezone.now()
    site_id = newsletter_list.site_id
    with transaction.atomic():
        for start in range(0, count, CHUNK):
            Subscriber.objects.bulk_create(
                [
                    Subscriber(
                        site_id=site_id,
                        email=f"{prefix}-{number}@{domain}",
                        status=SubscriberStatus.CONFIRMED,
                        source=Subscriber.Source.IMPORT,
                        confirmed_at=now,
                        created_at=now,
                    )
                    for number in range(start, min(count, start + CHUNK))
                ],
                batch_size=1_000,
            )
        subscriber, subscription = Subscriber._meta.db_table, Subscription._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {subscription} (subscriber_id, newsletter_list_id, created_at) "  # noqa: S608 (table names from the models)
                f"SELECT s.id, %s, %s FROM {subscriber} s WHERE s.site_id = %s AND s.email LIKE %s "
                f"AND NOT EXISTS (SELECT 1 FROM {subscription} m WHERE m.subscriber_id = s.id AND m.newsletter_list_id = %s)",
                [newsletter_list.pk, now, site_id, f"{prefix}-%@{domain}", newsletter_list.pk],
            )
    return count
