"""The worker's periodic job for donations (registered in DonationsConfig.ready())."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)
RECONCILE_EVERY_SECONDS = 300


def reconcile() -> None:
    if not settings.DONATIONS_ENABLED:
        return
    from masthead.donations.services import donations_reconcile

    counts = donations_reconcile()
    if any(counts.values()):
        logger.info("Donations reconciled: %s", counts)
