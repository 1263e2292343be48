"""The one purge API every feature calls when what readers see has changed.

    purge_keys("page-12")             article 12 changed (or its discussion, or its count)
    purge_article(article)            an article was published, unpublished, moved or deleted
    purge_everything()                site settings, menus, ads: every page shows them

Purges run when the transaction commits, in the same request, so "View live" is fresh at
once; the next reader's request renders and stores the page again. A CDN in front is
told about the same pages (masthead.pagecache.cdn). A purge that fails then (the store
or the CDN down) never fails the edit: it is kept and retried by the worker
(masthead.pagecache.pending).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import transaction

from masthead.pagecache import fragments


@lru_cache(maxsize=1)
def page_store():
    from masthead.pagecache.stores import FileStore, MirroredStore, RedisStore

    published = FileStore(settings.MASTHEAD_STATIC_PUBLISH_DIR) if settings.MASTHEAD_STATIC_PUBLISH_DIR else None
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL:
        primary = RedisStore(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)
        return MirroredStore(primary, published) if published else primary
    return published or FileStore(settings.MASTHEAD_PAGE_CACHE_DIR)


def apply_purge(*, keys=(), paths=(), everything: bool = False) -> set[str]:
    """Purge now: retire the fragments, remove the pages from the store; returns the
    addresses removed, for the CDN. Raises when the store cannot be reached. Safe to run
    twice: the commit of a change and the worker's retry of a failed one both call it."""
    fragments.bump()  # first: a page rendered from here on uses fresh fragments
    store = page_store()
    if everything:
        return store.purge_all()
    removed = set()
    if keys:
        removed |= store.purge_keys(sorted(keys))
    if paths:
        removed |= store.purge_paths(sorted(paths))
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


def article_keys(article) -> set[str]:
    """Every listing an article appears on, its own page, and the page that leads to it."""
    from masthead.news.models import ArticlePage
    from masthead.news.selectors import next_newer_article

    keys = {f"page-{article.pk}", f"article-{article.pk}", "list-latest", "list-home", "list-staffpicks"}
    article = ArticlePage.objects.filter(pk=article.pk).first() or article
    if article.primary_section_id:
        keys.add(f"list-section-{article.primary_section_id}")
    keys.update(f"list-section-{pk}" for pk in article.secondary_sections.values_list("pk", flat=True))
    keys.update(f"list-tag-{slug}" for slug in article.tags.values_list("slug", flat=True))
    keys.update(f"list-author-{pk}" for pk in article.article_authors.values_list("author_id", flat=True))
    # The article before it in the stream links to it ("Continue reading"); when this
    # one comes, goes or changes date, that link changes.
    newer = next_newer_article(article=article)
    if newer is not None:
        keys.add(f"article-{newer.pk}")
    return keys


def purge_article(article) -> None:
    purge_keys(*article_keys(article))
