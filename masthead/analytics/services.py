"""Changes to the counts that are not readers' views."""

from __future__ import annotations

from django.db.models import F

from masthead.analytics.models import PageViewTotal


def carry_over_views(page_id: int, views: int) -> None:
    """Make `views` the page's views from before Masthead (a WordPress import's starting
    count): the number shown is those plus the ones counted here since. Setting it again
    replaces the earlier number, so a second import does not add it twice. No page is
    purged: view counts reach cached pages on their own (analytics.views)."""
    if views > 0:  # a row to update, made unless the counters made it first
        PageViewTotal.objects.bulk_create([PageViewTotal(page_id=page_id)], ignore_conflicts=True)
    # One statement: a flush adding views meanwhile waits for it or goes before it.
    PageViewTotal.objects.filter(page_id=page_id).update(
        views=F("views") - F("carried_over") + views, carried_over=views
    )
