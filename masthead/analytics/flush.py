"""Moving counts from Redis into the tables, so that a flush run twice, or crashed at any
point and run again, never counts anything twice or loses it.

1. The live hash is renamed to a batch key with a new id, and the batch's name added to
   the set of waiting batches, in one script (atomic: every beacon lands either in the
   batch or in the new live hash, and no batch is made without its name in the set).
2. The batch's counts and an `AppliedBatch` row with its id are written in one
   transaction.
3. The batch key is deleted.

A flush that finds a batch left by a crashed one (its name still in the set) applies it
only if no `AppliedBatch` row names it; if one does (the crash came between 2 and 3), it
just deletes the key.

The set, not a SCAN for batch keys: Redis also holds a dedupe key per reader per page for
30 minutes, millions on a busy day, and a SCAN walks all of them. Run every 10 s, it took
almost half of redis-server's CPU in the beacon bench (a profile on 2026-12-07).
"""

from __future__ import annotations

import logging
import threading
import uuid

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.analytics import counting, spool, tables

logger = logging.getLogger(__name__)

# KEYS: the live hash, the new batch key, the set of waiting batches. 1 if there was a
# live hash to move, 0 if nothing was counted since the last flush.
MOVE_LIVE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""
_older_batches_looked_for = threading.Event()


def flush_counts() -> int:
    """Move every waiting batch into the tables; returns how many batches were applied.
    Without Redis there is nothing to move (the beacon wrote to the tables)."""
    if not settings.MASTHEAD_PAGE_CACHE_REDIS_URL:
        return 0
    import redis

    _ship_spools()
    client = counting.redis_client()
    try:
        _index_older_batches(client)
        waiting = sorted(key.decode() for key in client.smembers(counting.BATCHES_KEY))
        batch_key = counting.BATCH_PREFIX + uuid.uuid4().hex
        if client.eval(MOVE_LIVE_SCRIPT, 3, counting.LIVE_KEY, batch_key, counting.BATCHES_KEY):
            waiting.append(batch_key)
        return sum(apply_batch(client, key) for key in waiting)
    except redis.RedisError as error:
        logger.warning("Analytics flush: Redis unreachable (%r); the counts wait there for the next flush", error)
        return 0


def _index_older_batches(client) -> None:
    """Once per process: a batch left by a flush of a version before the set (it found
    batches by SCAN) is added to the set, so an upgrade strands no counts."""
    if _older_batches_looked_for.is_set():
        return
    older = list(client.scan_iter(match=counting.BATCH_PREFIX + "*", count=1000))
    if older:
        client.sadd(counting.BATCHES_KEY, *older)
    _older_batches_looked_for.set()


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
    with client.pipeline(transaction=True) as both:
        both.delete(batch_key)
        both.srem(counting.BATCHES_KEY, batch_key)
        both.execute()
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


def reset_for_tests() -> None:
    _older_batches_looked_for.clear()


def forget_old_batches() -> int:
    """AppliedBatch rows are needed only until their Redis key is gone; a week is ample."""
    import datetime

    from django.utils import timezone

    from masthead.analytics.models import AppliedBatch

    deleted, _ = AppliedBatch.objects.filter(applied_at__lt=timezone.now() - datetime.timedelta(days=7)).delete()
    return deleted
