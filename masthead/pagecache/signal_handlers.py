"""Purge on the framework's events: publishing, moves, deletes, and edits of what every
page shows. Wired in PageCacheConfig.ready()."""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from masthead.pagecache import purge


def article_changed(sender, instance, **kwargs):
    purge.purge_article(instance)


def article_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    from masthead.news.models import ArticlePage

    specific = instance.specific_deferred
    if isinstance(specific, ArticlePage):
        purge.purge_article(specific)
        if parent_page_before is not None:
            purge.purge_keys(f"list-section-{parent_page_before.pk}")
    else:
        purge.purge_everything()  # a section or the home page moved: addresses changed everywhere


def container_changed(sender, instance, **kwargs):
    """A section or the home page: its own page, and the blocks and kickers that name it."""
    purge.purge_keys(f"page-{instance.pk}", "list-home")


def snippet_changed(prefix):
    def handler(sender, instance, **kwargs):
        purge.purge_keys(f"{prefix}-{instance.pk}")

    return handler


def tag_changed(sender, instance, **kwargs):
    purge.purge_keys(f"tag-{instance.pk}", f"list-tag-{instance.slug}")


def everything_changed(sender, instance=None, **kwargs):
    purge.purge_everything()


def image_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new image is on no page yet
        purge.purge_everything()


def register():
    from taggit.models import Tag
    from wagtail.models import PageViewRestriction, Site

    from masthead.ads.models import AdCreative, AdSlot
    from masthead.core.models import MenuItem, NewsImage, SiteSettings, SocialLink
    from masthead.news.models import ArticlePage, Author, HomePage, SectionPage, Source

    for signal in (page_published, page_unpublished):
        signal.connect(article_changed, sender=ArticlePage, dispatch_uid=f"pagecache-article-{signal}")
        for model in (SectionPage, HomePage):
            signal.connect(container_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}-{signal}")
    pre_delete.connect(article_changed, sender=ArticlePage, dispatch_uid="pagecache-article-delete")
    for model in (SectionPage, HomePage):
        pre_delete.connect(container_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}-delete")
    post_page_move.connect(article_moved, dispatch_uid="pagecache-page-moved")
    for model, prefix in ((Author, "author"), (Source, "source")):
        for signal in (post_save, post_delete):
            signal.connect(
                snippet_changed(prefix), sender=model, weak=False, dispatch_uid=f"pagecache-{prefix}-{signal}"
            )
    for signal in (post_save, post_delete):
        signal.connect(tag_changed, sender=Tag, dispatch_uid=f"pagecache-tag-{signal}")
        # A page made private (or public again) leaves or joins every listing.
        for model in (SiteSettings, MenuItem, SocialLink, AdCreative, AdSlot, Site, PageViewRestriction):
            signal.connect(everything_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}-{signal}")
    post_save.connect(image_changed, sender=NewsImage, dispatch_uid="pagecache-image-saved")
    post_delete.connect(everything_changed, sender=NewsImage, dispatch_uid="pagecache-image-deleted")
