from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.signals import post_page_move


def enqueue_embed_resolution_for_revision(sender, instance, created, **kwargs):
    """Every saved revision (draft, submit or publish) gets its embeds resolved."""
    from masthead.news.models import ArticlePage

    if created and instance.content_type.model_class() is ArticlePage:
        from masthead.news.tasks import resolve_embeds

        transaction.on_commit(partial(resolve_embeds.enqueue, int(instance.object_id)))


def keep_primary_section(sender, instance, parent_page_after, **kwargs):
    """An article moved to another section is listed there (listings read the column)."""
    from masthead.news.models import ArticlePage

    if isinstance(instance.specific_deferred, ArticlePage):
        ArticlePage.objects.filter(pk=instance.pk).update(primary_section_id=parent_page_after.pk)


def register():
    from wagtail.models import Revision

    post_save.connect(enqueue_embed_resolution_for_revision, sender=Revision, dispatch_uid="news-embeds-on-revision")
    post_page_move.connect(keep_primary_section, dispatch_uid="news-primary-section-on-move")
