from django.db.models import Prefetch
from django.utils import timezone

from masthead.ads.models import AdCreative
from masthead.core.models import NewsImage

# As WebP at full and half size (srcset): what ads/slot.html asks for, prefetched.
AD_RENDITIONS = ("max-970x250|format-webp", "max-485x125|format-webp")


def creatives_by_placement() -> dict[str, AdCreative]:
    """The winning running creative of each enabled slot, in one query.

    The choice is deterministic (priority, then newest) so a cached page and its
    regenerated copy show the same ad.
    """
    chosen: dict[str, AdCreative] = {}
    creatives = (
        AdCreative.objects.running(timezone.now())
        .select_related("slot")
        .prefetch_related(Prefetch("image", queryset=NewsImage.objects.prefetch_renditions(*AD_RENDITIONS)))
        .order_by("slot_id", "-priority", "-id")
    )
    for creative in creatives:
        chosen.setdefault(creative.slot.placement, creative)
    return chosen
