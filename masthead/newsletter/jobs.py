"""The worker's periodic job for the newsletter (registered in NewsletterConfig.ready()):
make the digests that are due, start scheduled editions whose time has come, and resume
sends that have work due (retries whose back-off ended, the batches of a sender that died)."""

import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
EVERY_SECONDS = 20


def run() -> None:
    from masthead.newsletter import digests, sending
    from masthead.newsletter.models import Delivery, DeliveryState, Edition, EditionState

    now = timezone.now()
    for edition_id in Edition.objects.filter(state=EditionState.SCHEDULED, scheduled_for__lte=now).values_list(
        "pk", flat=True
    ):
        sending.edition_start(edition_id=edition_id, now=now)
    made = digests.digests_make(now=now)
    if made:
        logger.info("Newsletter digests made: %s", made)
    for edition_id in Edition.objects.filter(state=EditionState.SENDING).values_list("pk", flat=True):
        sending.stale_claims_recover(edition_id=edition_id, now=now)
        held = Delivery.objects.filter(edition_id=edition_id, state=DeliveryState.SENDING, claimed_until__gt=now)
        if held.exists():
            continue  # a sender is at work on it
        if sending.work_left_now(edition_id):
            transaction.on_commit(lambda edition_id=edition_id: sending._enqueue_send(edition_id))
        else:
            sending.edition_finish_if_done(edition_id=edition_id, now=now)
