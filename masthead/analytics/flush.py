"""Moving counts from Redis into the tables, so that a flush run twice, or crashed at any
point and run again, never counts anything twice or loses it.

1. The live hash is renamed to a batch key with a new id (RENAME is atomic: every beacon
   lands either in the batch or in the new live hash).
2. The batch's counts and an `AppliedBatch` row with its id are written in one
   transaction.
3. The batch key is deleted.

A flush that finds a batch key left by a crashed one applies it only if no
`AppliedBatch` row names it; if one does (the crash came between 2 and 3), it just
deletes the key.
"""

from __future__ import annotations

import logging
import uuid

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.analytics import counting, spool, tables

logger = logging.getLogger(__name__)


def flush_counts() -> int:
    """Move every waiting batch into the tables; returns how many batches were applied.
    Without Redis there is nothing to move (the beacon wrote to the tables)."""
    if not settings.MASTHEAD_PAGE_CACHE_REDIS_URL:
        return 0
    import redis

    _ship_spools()
    client = counting.redis_client()
    try:
        waiting = sorted(key.decode() for key in client.scan_iter(match=counting.BATCH_PREFIX + "*", count=1000))
        batch_key = counting.BATCH_PREFIX + uuid.uuid4().hex
        try:
            client.rename(counting.LIVE_KEY, batch_key)
            waiting.append(batch_key)
        except redis.ResponseError:
            pass  # no live hash: nothing counted since the last flush
        return sum(apply_batch(client, key) for key in waiting)
    except redis.RedisError as error:
        logger.warning("Analytics flush: Redis unreachable (%r); the counts wait there for the next flush", error)
        return 0


def _ship_spools() -> None:
    """Beacons still in spool files go first (dead workers' ones included), so a flush
    moves every beacon acknowledged before it."""
    try:
        spool.ship_everything()
    except Exception:  # the database down as well as Redis: they wait in the spool
        logger.exception("Analytics flush: the beacon spools could not be shipped now")


def apply_batch(client, batch_key: str) -> bool:
    """Apply one batch key once; True if its counts were written now."""
    from masthead.analytics.models import AppliedBatch

    batch_id = batch_key.removeprefix(counting.BATCH_PREFIX)
    applied = False
    if not AppliedBatch.objects.filter(batch=batch_id).exists():
        batch = tables.Batch()
        for name, amount in client.hgetall(batch_key).items():
            batch.add_field(name.decode(), int(amount))
        _keep_existing(batch)
        try:
            with transaction.atomic():
                AppliedBatch.objects.create(batch=batch_id)
                tables.add_counts(batch)
            applied = True
        except IntegrityError:
            # Another flush applied it between the check and the insert.
            if not AppliedBatch.objects.filter(batch=batch_id).exists():
                raise
    after_commit_before_delete(batch_key)
    client.delete(batch_key)
    return applied


def after_commit_before_delete(batch_key: str) -> None:
    """Nothing; the point where a crash leaves a batch applied but still in Redis (the
    tests raise here to show the next flush counts it once)."""


def _keep_existing(batch: tables.Batch) -> None:
    page_model = apps.get_model("wagtailcore", "Page")
    creative_model = apps.get_model("ads", "AdCreative")
    pages = set(page_model.objects.filter(pk__in=batch.page_ids()).values_list("pk", flat=True))
    creatives = set(creative_model.objects.filter(pk__in=batch.creative_ids()).values_list("pk", flat=True))
    batch.keep_only(pages=pages, creatives=creatives)


def forget_old_batches() -> int:
    """AppliedBatch rows are needed only until their Redis key is gone; a week is ample."""
    import datetime

    from django.utils import timezone

    from masthead.analytics.models import AppliedBatch

    deleted, _ = AppliedBatch.objects.filter(applied_at__lt=timezone.now() - datetime.timedelta(days=7)).delete()
    return deleted
