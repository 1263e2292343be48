from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The mechanism only: which changes purge what is each app's own business."""

    name = "masthead.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"
