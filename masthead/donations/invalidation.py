"""Donation settings show in the sidebar of every page: a change purges everything.
Donations themselves purge nothing: the campaign's progress is a short-lived fragment
(decision: fast-changing numbers never purge a page). Connected in DonationsConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from masthead.pagecache.purge import purge_everything


def settings_changed(sender, instance=None, created=False, **kwargs):
    if created and sender.__name__ == "DonationSettings":
        # Made with its defaults by the first page that asks for it (BaseSiteSetting.for_site):
        # what pages show does not change, and a purge there would empty the cache.
        return
    purge_everything()


def connect():
    from masthead.donations.models import CurrencyOption, DonationSettings

    for signal in (post_save, post_delete):
        for model in (DonationSettings, CurrencyOption):
            signal.connect(
                settings_changed, sender=model, dispatch_uid=f"donations-settings-purge-{model.__name__}-{signal}"
            )
