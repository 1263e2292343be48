"""Ads show on every page: a change to a slot or a creative purges everything.
Connected in AdsConfig.ready(); scheduled starts and ends are in schedule.py."""

from django.db.models.signals import post_delete, post_save

from masthead.pagecache.purge import purge_everything


def ads_changed(sender, instance=None, **kwargs):
    purge_everything()


def connect():
    from masthead.ads.models import AdCreative, AdSlot

    for model in (AdCreative, AdSlot):
        for signal in (post_save, post_delete):
            signal.connect(ads_changed, sender=model, dispatch_uid=f"ads-purge-{model.__name__}-{signal}")
