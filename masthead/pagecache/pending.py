"""A failed purge is never a failed edit: it is kept in the database and retried.

When a change commits, its purge runs at once (purge.apply_purge). If the page store
cannot be reached (Redis down, the static-publishing folder unwritable), the edit has
committed all the same: the editor gets the usual answer, the purge is written down as
PendingPurge rows, and the worker retries them (retry_pending_purges, a periodic job)
with a growing delay until one lands, then deletes them. Addresses the CDN could not
take are kept the same way and sent again; only those, since the rest went through.
Editors see what is waiting in the admin (wagtail_hooks.py) until then.

Purges are idempotent, so a retry of something that did land after all costs a little
work and nothing else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from masthead.pagecache import cdn
from masthead.pagecache.models import PendingPurge
from masthead.pagecache.purge import apply_purge

logger = logging.getLogger(__name__)

Kind = PendingPurge.Kind
FIRST_RETRY_SECONDS = 5
# Readers see the old page until a retry lands, so the delay stays short even after
# hours of failures; one retry of everything waiting is a handful of queries.
LONGEST_RETRY_SECONDS = 300
ERROR_LENGTH = 2000
BATCH = 500


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS))


def purge_or_keep_for_retry(*, keys=(), paths=(), everything: bool = False) -> None:
    """What a commit runs: purge now, or keep the purge for the worker when the page store
    or the CDN's queue cannot take it."""
    removed: set[str] = set()
    try:
        apply_purge(keys=keys, paths=paths, everything=everything, removed=removed)
    except Exception as error:
        described = "everything" if everything else ", ".join((*keys, *paths))
        logger.exception("Page cache purge failed (%s); the worker will retry it", described)
        # First: the pages it deleted before failing are gone for good, and the retry
        # will not find them to tell the CDN.
        tell_cdn(removed)
        keep_for_retry(keys=keys, paths=paths, everything=everything, error=error)
        return
    tell_cdn(removed)


def tell_cdn(addresses) -> None:
    """Queue the CDN's purge of these addresses, or keep them for the worker's retry.
    Never raises: a failed purge's caller reports the purge's own error."""
    try:
        cdn.purge_addresses(addresses)
    except Exception as error:
        logger.exception("Could not queue the CDN purge of %d addresses; the worker will retry it", len(addresses))
        try:
            keep_cdn_addresses(dict.fromkeys(addresses, repr(error)))
        except Exception:
            logger.exception("Could not keep them for the retry either: the CDN keeps them until they expire")


def purge_everything_now() -> None:
    """For `masthead purge_pages` (run by `masthead serve` at start): purge every page now,
    which also covers every store purge still waiting; raises when the store is down, after
    keeping the purge for the worker."""
    covered = list(PendingPurge.objects.exclude(kind=Kind.CDN))
    removed: set[str] = set()
    try:
        apply_purge(everything=True, removed=removed)
    except Exception as error:
        tell_cdn(removed)
        keep_for_retry(everything=True, error=error)
        raise
    _landed(covered)
    tell_cdn(removed)


def keep_for_retry(*, keys=(), paths=(), everything: bool = False, error: BaseException | str) -> None:
    why = error if isinstance(error, str) else repr(error)
    if everything:
        _keep({(Kind.EVERYTHING, ""): why})
    else:
        _keep({**{(Kind.KEY, key): why for key in keys}, **{(Kind.PATH, path): why for path in paths}})


def keep_cdn_addresses(failed: dict[str, str]) -> None:
    """Addresses the CDN did not take, each with why."""
    _keep({(Kind.CDN, address): why for address, why in failed.items()})


def _keep(targets: dict[tuple[str, str], str]) -> None:
    """Write each target down, or, when it is waiting already, count one more failure."""
    if not targets:
        return
    now = timezone.now()
    with transaction.atomic():
        waiting = []
        for kind in {kind for kind, _ in targets}:
            names = sorted(target for k, target in targets if k == kind)
            for start in range(0, len(names), BATCH):
                waiting += PendingPurge.objects.filter(kind=kind, target__in=names[start : start + BATCH])
        for row in waiting:
            row.attempts += 1
            row.last_failed_at = now
            row.last_error = targets[(row.kind, row.target)][:ERROR_LENGTH]
            row.next_attempt_at = now + retry_delay(row.attempts)
        PendingPurge.objects.bulk_update(
            waiting, ["attempts", "last_failed_at", "last_error", "next_attempt_at"], batch_size=BATCH
        )
        known = {(row.kind, row.target) for row in waiting}
        PendingPurge.objects.bulk_create(
            [
                PendingPurge(
                    kind=kind,
                    target=target,
                    first_failed_at=now,
                    last_failed_at=now,
                    last_error=why[:ERROR_LENGTH],
                    next_attempt_at=now + retry_delay(1),
                )
                for (kind, target), why in targets.items()
                if (kind, target) not in known
            ],
            batch_size=BATCH,
            ignore_conflicts=True,  # another process wrote the same target just now: one row is enough
        )


def _landed(rows) -> None:
    """Delete the rows a retry took care of, unless a new failure came since they were
    read (its purge may have come after the retry's): that one is retried again."""
    rows = list(rows)
    for start in range(0, len(rows), BATCH):
        condition = Q()
        for row in rows[start : start + BATCH]:
            condition |= Q(pk=row.pk, attempts=row.attempts)
        PendingPurge.objects.filter(condition).delete()


def retry_pending_purges() -> int:
    """The worker's periodic job: retry what is due. The page store is one service, so when
    any of its purges is due all of them are retried together (a waiting purge of
    everything then covers the rest). Returns how many rows landed."""
    now = timezone.now()
    if not PendingPurge.objects.filter(next_attempt_at__lte=now).exists():
        return 0
    store_rows = list(PendingPurge.objects.exclude(kind=Kind.CDN))
    cdn_rows = list(PendingPurge.objects.filter(kind=Kind.CDN, next_attempt_at__lte=now))
    landed = 0
    addresses: set[str] = set()
    if store_rows and any(row.next_attempt_at <= now for row in store_rows):
        everything = any(row.kind == Kind.EVERYTHING for row in store_rows)
        keys = () if everything else sorted(row.target for row in store_rows if row.kind == Kind.KEY)
        paths = () if everything else sorted(row.target for row in store_rows if row.kind == Kind.PATH)
        try:
            apply_purge(keys=keys, paths=paths, everything=everything, removed=addresses)
        except Exception as error:
            # What it deleted before failing is sent to the CDN below all the same.
            logger.warning("Retry of %d waiting page cache purges failed again: %r", len(store_rows), error)
            keep_for_retry(keys=keys, paths=paths, everything=everything, error=error)
        else:
            _landed(store_rows)
            landed += len(store_rows)
            logger.info("Retry of %d waiting page cache purges landed", len(store_rows))
    addresses |= {row.target for row in cdn_rows}
    if addresses and settings.WAGTAILFRONTENDCACHE:
        failed = cdn.send(addresses)
        _landed(row for row in cdn_rows if row.target not in failed)
        landed += sum(1 for row in cdn_rows if row.target not in failed)
        keep_cdn_addresses(failed)
    elif cdn_rows:  # no CDN any more: nothing left to tell it
        _landed(cdn_rows)
        landed += len(cdn_rows)
    return landed


@dataclass(frozen=True)
class WaitingPurges:
    """What editors are shown while purges wait: per kind, how many and a few of them."""

    kind: str
    label: str
    count: int
    examples: list[str]
    since: datetime
    attempts: int
    last_failed_at: datetime
    last_error: str
    next_attempt_at: datetime


EXAMPLES = 8


def waiting_purges() -> list[WaitingPurges]:
    """One query when nothing waits (every admin page asks)."""
    groups = list(
        PendingPurge.objects.values("kind")
        .annotate(
            count=Count("pk"),
            since=Min("first_failed_at"),
            latest=Max("last_failed_at"),
            attempts=Max("attempts"),
            next_attempt_at=Min("next_attempt_at"),
        )
        .order_by("since")
    )
    waiting = []
    for group in groups:
        rows = PendingPurge.objects.filter(kind=group["kind"]).order_by("-last_failed_at", "target")
        latest = rows.only("last_error").first()
        waiting.append(
            WaitingPurges(
                kind=group["kind"],
                label=Kind(group["kind"]).label,
                count=group["count"],
                examples=list(rows.order_by("target").values_list("target", flat=True)[:EXAMPLES]),
                since=group["since"],
                attempts=group["attempts"],
                last_failed_at=group["latest"],
                last_error=latest.last_error if latest else "",
                next_attempt_at=group["next_attempt_at"],
            )
        )
    return waiting
