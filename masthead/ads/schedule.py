"""Ads that start or end on their own schedule.

A creative's start or end changes what every page shows without any edit that would
purge. The worker checks every 30 seconds which creatives are chosen now and purges
every page (and fragment) when the choice differs from the last one it saw, which it
keeps in the database (ChosenAds) so that neither a Redis restart nor the worker's own
restart makes it forget. With none remembered (a new database) it only remembers the
choice: `masthead serve` purged every page when it started, so what was stored since
shows it.
"""

from __future__ import annotations

from django.db import transaction

from masthead.ads.models import ChosenAds
from masthead.ads.selectors import creatives_by_placement
from masthead.pagecache.purge import purge_everything

CHOSEN_ROW = 1


def purge_when_the_chosen_ads_change() -> bool:
    """True when the choice changed since the one remembered and every page was purged."""
    chosen = ",".join(f"{placement}={creative.pk}" for placement, creative in sorted(creatives_by_placement().items()))
    with transaction.atomic():
        remembered = (
            ChosenAds.objects.select_for_update().filter(pk=CHOSEN_ROW).values_list("chosen", flat=True).first()
        )
        if remembered == chosen:
            return False
        if remembered is not None:
            purge_everything()  # when this block commits, with the choice it purged for
        ChosenAds.objects.update_or_create(pk=CHOSEN_ROW, defaults={"chosen": chosen})
    return remembered is not None
