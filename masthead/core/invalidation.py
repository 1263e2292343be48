"""What every page shows and the site app owns: settings, menus, social links, images,
Sites and page privacy. A change to any of them purges everything. Connected in
CoreConfig.ready(); the table in docs/architecture.md lists every event."""

from django.db.models.signals import post_delete, post_save

from masthead.pagecache.purge import purge_everything


def everything_changed(sender, instance=None, **kwargs):
    purge_everything()


def image_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new image is on no page yet
        purge_everything()


def connect():
    from wagtail.models import PageViewRestriction, Site

    from masthead.core.models import MenuItem, NewsImage, SiteSettings, SocialLink

    for signal in (post_save, post_delete):
        # A page made private (or public again) leaves or joins every listing.
        for model in (SiteSettings, MenuItem, SocialLink, Site, PageViewRestriction):
            signal.connect(everything_changed, sender=model, dispatch_uid=f"core-purge-{model.__name__}-{signal}")
    post_save.connect(image_changed, sender=NewsImage, dispatch_uid="core-purge-image-saved")
    post_delete.connect(everything_changed, sender=NewsImage, dispatch_uid="core-purge-image-deleted")
