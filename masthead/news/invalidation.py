"""Which pages, fragments and remembered values a change in the news app retires.

Connected in NewsConfig.ready(). The keys are named in masthead.pagecache.keys; the
table in docs/architecture.md lists every event and what it purges.
"""

from __future__ import annotations

from datetime import UTC

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from masthead.pagecache import keys
from masthead.pagecache.purge import purge_everything, purge_keys


def article_keys(article) -> set[str]:
    """Every listing an article appears on, its own page, and the page that leads to it."""
    from masthead.news.models import ArticlePage
    from masthead.news.selectors import next_newer_article

    found = {keys.page(article.pk), keys.article(article.pk), keys.LATEST, keys.HOME, keys.STAFF_PICKS}
    # A re-dated article leaves the month it was listed in (remembered by `remember_old_date`).
    published_before = getattr(article, "_published_at_before_save", None)
    if published_before is not None:
        published_before = published_before.astimezone(UTC)
        found.add(keys.sitemap_month(published_before.year, published_before.month))
    article = ArticlePage.objects.filter(pk=article.pk).first() or article
    if article.primary_section_id:
        found.add(keys.section_listing(article.primary_section_id))
    found.update(keys.section_listing(pk) for pk in article.secondary_sections.values_list("pk", flat=True))
    found.update(keys.tag_listing(slug) for slug in article.tags.values_list("slug", flat=True))
    found.update(keys.author_listing(pk) for pk in article.article_authors.values_list("author_id", flat=True))
    if article.published_at:
        published = article.published_at.astimezone(UTC)
        found.add(keys.sitemap_month(published.year, published.month))
    # The article before it in the stream links to it ("Continue reading"); when this
    # one comes, goes or changes date, that link changes.
    newer = next_newer_article(article=article)
    if newer is not None:
        found.add(keys.article(newer.pk))
    return found


def remember_old_date(sender, instance, update_fields=None, **kwargs):
    """Before an article is saved, note the publication date it is listed under, so the
    purge after a publish also retires the sitemap month it moves out of."""
    if instance.pk is None or (update_fields is not None and "published_at" not in update_fields):
        return
    instance._published_at_before_save = (
        sender.objects.filter(pk=instance.pk).values_list("published_at", flat=True).first()
    )


def purge_article(article) -> None:
    purge_keys(*article_keys(article))


def article_changed(sender, instance, **kwargs):
    purge_article(instance)


def page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    from wagtail.models import PageViewRestriction

    from masthead.news.models import ArticlePage

    specific = instance.specific_deferred
    if PageViewRestriction.objects.exists():
        # Workers know private pages by their tree paths (core/privacy.py), which a move
        # changes (the moved page's, and its siblings' in a reorder): read them again.
        purge_everything()
    elif isinstance(specific, ArticlePage):
        purge_article(specific)
        if parent_page_before is not None:
            purge_keys(keys.section_listing(parent_page_before.pk))
    else:
        purge_everything()  # a section or the home page moved: addresses changed everywhere


def container_changed(sender, instance, **kwargs):
    """A section or the home page: its own page, and the blocks and kickers that name it."""
    purge_keys(keys.page(instance.pk), keys.HOME)


def simple_page_changed(sender, instance, **kwargs):
    """A simple page (About us): its own page, and the sitemap that lists it."""
    purge_keys(keys.page(instance.pk), keys.SITEMAP_PAGES)


def container_readdressed(sender, instance, **kwargs):
    """A section or the home page took a new slug: every article under it has a new
    address, named in cards, menus and links across the site."""
    purge_everything()


def author_changed(sender, instance, **kwargs):
    purge_keys(keys.author(instance.pk), keys.SITEMAP_PAGES)


def remember_old_canonical(sender, instance, **kwargs):
    instance._canonical_before_save = (
        sender.objects.filter(pk=instance.pk).values_list("canonical_to_original", flat=True).first()
        if instance.pk
        else None
    )


def source_changed(sender, instance, **kwargs):
    canonical_before = getattr(instance, "_canonical_before_save", None)
    if canonical_before is not None and canonical_before != instance.canonical_to_original:
        # Which address is canonical changed for every article from this source: their
        # heads, and which of them the sitemaps (by month, keyed by no source) may list.
        purge_everything()
        return
    purge_keys(keys.source(instance.pk))


def tag_changed(sender, instance, **kwargs):
    purge_keys(keys.tag(instance.pk), keys.tag_listing(instance.slug), keys.SITEMAP_PAGES)


def connect():
    from taggit.models import Tag

    from masthead.news.models import ArticlePage, Author, HomePage, SectionPage, SimplePage, Source

    for signal in (page_published, page_unpublished):
        signal.connect(article_changed, sender=ArticlePage, dispatch_uid=f"news-purge-article-{signal}")
        signal.connect(simple_page_changed, sender=SimplePage, dispatch_uid=f"news-purge-simple-page-{signal}")
        for model in (SectionPage, HomePage):
            signal.connect(container_changed, sender=model, dispatch_uid=f"news-purge-{model.__name__}-{signal}")
    pre_delete.connect(article_changed, sender=ArticlePage, dispatch_uid="news-purge-article-delete")
    pre_delete.connect(simple_page_changed, sender=SimplePage, dispatch_uid="news-purge-simple-page-delete")
    pre_save.connect(remember_old_date, sender=ArticlePage, dispatch_uid="news-remember-old-date")
    pre_save.connect(remember_old_canonical, sender=Source, dispatch_uid="news-remember-old-canonical")
    for model in (SectionPage, HomePage):
        pre_delete.connect(container_changed, sender=model, dispatch_uid=f"news-purge-{model.__name__}-delete")
    post_page_move.connect(page_moved, dispatch_uid="news-purge-page-moved")
    for model in (SectionPage, HomePage, SimplePage):  # a simple page may be in the menu, by address
        page_slug_changed.connect(
            container_readdressed, sender=model, dispatch_uid=f"news-purge-{model.__name__}-slug-changed"
        )
    for signal in (post_save, post_delete):
        signal.connect(author_changed, sender=Author, dispatch_uid=f"news-purge-author-{signal}")
        signal.connect(source_changed, sender=Source, dispatch_uid=f"news-purge-source-{signal}")
        signal.connect(tag_changed, sender=Tag, dispatch_uid=f"news-purge-tag-{signal}")
