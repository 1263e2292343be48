"""The signup box's title and text show on every page: a change of the newsletter
settings purges everything. Lists and subscribers purge nothing (the box's form, with
its lists, is never cached). Connected in NewsletterConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from masthead.pagecache.purge import purge_everything


def settings_changed(sender, instance=None, created=False, **kwargs):
    if created:
        # Made with its defaults by the first page that asks for it (BaseSiteSetting.for_site):
        # what pages show does not change, and a purge there would empty the cache.
        return
    purge_everything()


def connect():
    from masthead.newsletter.models import NewsletterSettings

    for signal in (post_save, post_delete):
        signal.connect(settings_changed, sender=NewsletterSettings, dispatch_uid=f"newsletter-settings-purge-{signal}")
