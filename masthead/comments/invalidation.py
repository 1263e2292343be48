"""What comment changes retire: an article's thread and its count (`keys.discussion`),
never its body or any listing. Comment settings show on every discussion: a change
purges everything; a saved or deleted ban retires the list each worker keeps
(moderation.BANS_KEY). Connected in CommentsConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from masthead.pagecache import keys as cache_keys
from masthead.pagecache.purge import purge_everything, purge_keys


def purge_discussion(page_id: int) -> None:
    purge_keys(cache_keys.discussion(page_id))


def settings_changed(sender, instance=None, **kwargs):
    purge_everything()


def bans_changed(sender, instance=None, **kwargs):
    from masthead.comments.moderation import BANS_KEY

    purge_keys(BANS_KEY)


def connect():
    from masthead.comments.models import Ban, CommentSettings

    for signal in (post_save, post_delete):
        signal.connect(settings_changed, sender=CommentSettings, dispatch_uid=f"comments-settings-purge-{signal}")
        signal.connect(bans_changed, sender=Ban, dispatch_uid=f"comments-bans-purge-{signal}")
