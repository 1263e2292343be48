"""Reads of the counts for pages that show them."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import ngettext

from masthead.analytics.models import AnalyticsSettings, PageViewTotal


def view_count_labels(page_ids: list[int], *, settings: AnalyticsSettings) -> dict[int, str]:
    """ "1,099 Views" (the number in the active language's format) for each page whose
    count the site shows: none when counts are off, none below the site's minimum."""
    if not settings.show_view_counts or not page_ids:
        return {}
    totals = PageViewTotal.objects.filter(page_id__in=page_ids, views__gte=max(settings.minimum_views_shown, 1))
    return {
        page_id: ngettext("%(count)s View", "%(count)s Views", views)
        % {"count": formats.number_format(views, force_grouping=True)}
        for page_id, views in totals.values_list("page_id", "views")
    }
