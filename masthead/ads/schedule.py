"""Ads that start or end on their own schedule.

A creative's start or end changes what every page shows without any edit that would
purge. The worker checks every 30 seconds which creatives are chosen now and purges
every page (and fragment) when the choice differs from the last one it saw. With none
remembered (a new data folder, an emptied cache) it only remembers the choice:
`masthead serve` purged every page when it started, so what was stored since shows it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from masthead.ads.selectors import creatives_by_placement
from masthead.pagecache.purge import purge_everything

CHOSEN_KEY = "masthead:ads:chosen"


def purge_when_the_chosen_ads_change() -> bool:
    """True when the choice changed since the one remembered and every page was purged."""
    chosen = ",".join(f"{placement}={creative.pk}" for placement, creative in sorted(creatives_by_placement().items()))
    remembered = cache.get(CHOSEN_KEY)
    if remembered == chosen:
        return False
    if remembered is not None:
        with transaction.atomic():
            purge_everything()  # when this block commits
    cache.set(CHOSEN_KEY, chosen, None)
    return remembered is not None
