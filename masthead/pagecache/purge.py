"""The one purge API every feature calls when what readers see has changed.

    purge_keys("page-12")             article 12 changed (or its discussion, or its count)
    purge_article(article)            an article was published, unpublished, moved or deleted
    purge_everything()                site settings, menus, ads: every page shows them

Purges run when the transaction commits, in the same request, so "View live" is fresh at
once; the next reader's request renders and stores the page again. A CDN in front is
told about the same pages (masthead.pagecache.cdn).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from masthead.pagecache import cdn, fragments

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def page_store():
    from masthead.pagecache.stores import FileStore, MirroredStore, RedisStore

    published = FileStore(settings.MASTHEAD_STATIC_PUBLISH_DIR) if settings.MASTHEAD_STATIC_PUBLISH_DIR else None
    if settings.MASTHEAD_PAGE_CACHE_REDIS_URL:
        primary = RedisStore(settings.MASTHEAD_PAGE_CACHE_REDIS_URL)
        return MirroredStore(primary, published) if published else primary
    return published or FileStore(settings.MASTHEAD_PAGE_CACHE_DIR)


def _after_commit(action, description: str) -> None:
    def run():
        try:
            fragments.bump()  # first: a page rendered from here on uses fresh fragments
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
