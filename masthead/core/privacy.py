"""Which pages are behind a login, a password or a group, read once per worker.

Wagtail asks the database each time: for every page it serves (the page's ancestors,
then their restrictions) and for every listing (`public()` reads every restriction with
its page). The table holds a handful of rows, and changing it purges everything
(core/invalidation.py), so each worker keeps the rows until then (decision 0008), and
the first render of an article asks nothing about privacy.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory

# One entry for the whole table, and one per parent page of the pages served (sections).
_memory = WorkerMemory("page-privacy", max_entries=200)


def every_restriction() -> list[PageViewRestriction]:
    """Kept until everything is purged, as every change to a restriction does."""
    return fragments.remember(
        _memory, "every-restriction", lambda: list(PageViewRestriction.objects.select_related("page"))
    )


# Wagtail's condition when no page is private: it matches no page.
NOTHING_PRIVATE = Q(pk__in=[])


def private_q() -> Q:
    """Wagtail's `PageQuerySet.private_q()`: the restricted pages and their descendants."""
    q = Q()
    for restriction in every_restriction():
        q |= Page.objects.descendant_of_q(restriction.page, inclusive=True)
    return q if q else NOTHING_PRIVATE


def view_restrictions(page: Page) -> list[PageViewRestriction]:
    """The restrictions Wagtail's `Page.get_view_restrictions()` finds for the page: its
    own and its ancestors', an alias's taken from the page it is an alias of."""
    restrictions = every_restriction()
    if not restrictions:
        return []
    if page.alias_of_id is not None:  # rare: Wagtail's own walk, a query or two
        return list(Page.get_view_restrictions(page))
    checked = {page.pk, *_ancestor_ids_to_check(page.path[: -Page.steplen])[1]}
    return [restriction for restriction in restrictions if restriction.page_id in checked]


def _ancestor_ids_to_check(parent_path: str) -> tuple[frozenset[int], frozenset[int]]:
    """The parent and its ancestors, and the pages to check for them: each alias replaced
    by the page it is an alias of. Kept until one of the ancestors changes."""

    def read() -> tuple[frozenset[int], frozenset[int]]:
        paths = [parent_path[:end] for end in range(Page.steplen, len(parent_path) + 1, Page.steplen)]
        rows = list(Page.objects.filter(path__in=paths).values_list("pk", "alias_of_id"))
        return frozenset(pk for pk, _ in rows), frozenset(alias_of_id or pk for pk, alias_of_id in rows)

    return fragments.remember(
        _memory,
        ("ancestors", parent_path),
        read,
        keys=lambda found: {cache_keys.page(pk) for pk in found[0] | found[1]},
    )
