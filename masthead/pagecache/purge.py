"""The one purge API every feature calls when what readers see has changed.

    purge_keys(keys.page(12))         article 12 changed (or its discussion, or its count)
    purge_paths("/latest/")           whatever is stored at these paths
    purge_everything()                site settings, menus, ads: every page shows them

Each app decides which keys its own changes purge and connects its handlers in its own
`ready()` (news: `masthead/news/invalidation.py`); docs/architecture.md has the table.
Purges run when the transaction commits, in the same request, so "View live" is fresh at
once; the next reader's request renders and stores the page again. A purge retires the
pages, fragments and remembered values that name one of its keys, and nothing else. A
CDN in front is told about the same pages (masthead.pagecache.cdn).
"""

from __future__ import annotations

import logging

from django.db import transaction

from masthead.pagecache import cdn
from masthead.pagecache.stores import configured_store

logger = logging.getLogger(__name__)

page_store = configured_store


def _after_commit(action, description: str) -> None:
    def run():
        try:
            action()
        except Exception:  # the edit is saved; a failed purge must say so loudly
            logger.exception("Page cache purge failed: %s", description)
            raise

    transaction.on_commit(run)


def purge_keys(*keys: str) -> None:
    keys = tuple(sorted(set(keys)))
    if keys:
        _after_commit(lambda: cdn.purge_addresses(page_store().purge_keys(keys)), ", ".join(keys))


def purge_paths(*paths: str) -> None:
    paths = tuple(sorted(set(paths)))
    if paths:
        _after_commit(lambda: cdn.purge_addresses(page_store().purge_paths(paths)), ", ".join(paths))


def purge_everything() -> None:
    _after_commit(lambda: cdn.purge_addresses(page_store().purge_all()), "everything")
