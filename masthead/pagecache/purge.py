"""The one purge API every feature calls when what readers see has changed.

    purge_keys(keys.page(12))         article 12 changed (or its discussion, or its count)
    purge_paths("/latest/")           whatever is stored at these paths
    purge_everything()                site settings, menus, ads: every page shows them

Each app decides which keys its own changes purge and connects its handlers in its own
`ready()` (news: `masthead/news/invalidation.py`); docs/architecture.md has the table.
Purges run when the transaction commits, in the same request, so "View live" is fresh at
once; the next reader's request renders and stores the page again. A purge retires the
pages, fragments and remembered values that name one of its keys, and nothing else. A
CDN in front is told about the same pages (masthead.pagecache.cdn). A purge that fails
then (the store or the CDN down) never fails the edit: it is kept and retried by the
worker (masthead.pagecache.pending).
"""

from __future__ import annotations

from django.db import transaction

from masthead.pagecache.stores import configured_store

page_store = configured_store


def apply_purge(*, keys=(), paths=(), everything: bool = False, removed: set[str] | None = None) -> set[str]:
    """Purge now: retire what names these keys (pages, fragments, remembered values);
    returns the addresses of the pages removed, for the CDN, and adds them to `removed`
    as they go (a purge that raises half-way has still deleted some pages, which the
    CDN must hear of too). Raises when the store cannot be reached. Safe to run twice:
    the commit of a change and the worker's retry of a failed one both call it."""
    store = page_store()
    removed = set() if removed is None else removed
    if everything:
        return store.purge_all(removed)
    if keys:
        store.purge_keys(sorted(keys), removed)
    if paths:
        store.purge_paths(sorted(paths), removed)
    return removed


def _after_commit(*, keys=(), paths=(), everything: bool = False) -> None:
    from masthead.pagecache.pending import purge_or_keep_for_retry

    # robust: should even keeping the purge for later fail, the other on-commit work runs.
    transaction.on_commit(lambda: purge_or_keep_for_retry(keys=keys, paths=paths, everything=everything), robust=True)


def purge_keys(*keys: str) -> None:
    keys = tuple(sorted(set(keys)))
    if keys:
        _after_commit(keys=keys)


def purge_paths(*paths: str) -> None:
    paths = tuple(sorted(set(paths)))
    if paths:
        _after_commit(paths=paths)


def purge_everything() -> None:
    _after_commit(everything=True)
