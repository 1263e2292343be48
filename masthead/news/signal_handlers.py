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


def give_a_tag_its_own_address(sender, instance, **kwargs):
    """A tag whose name slugify empties ("#", "…", "—", an emoji) is saved by taggit with
    an empty slug, which no address can carry: it takes "tag-<pk>" instead. After the
    save, because the fallback needs the primary key (taggit's Tag is not ours to
    subclass, and its save() computes the slug itself)."""
    if instance.slug:
        return
    instance.slug = free_fallback_tag_slug(sender._default_manager.all(), pk=instance.pk)
    sender._default_manager.filter(pk=instance.pk).update(slug=instance.slug)


def free_fallback_tag_slug(tags, *, pk: int) -> str:
    """The fallback slug "tag-<pk>", or "tag-<pk>-<n>" should a tag named "Tag <pk>" hold it."""
    slug, n = f"tag-{pk}", 0
    while tags.filter(slug=slug).exclude(pk=pk).exists():
        n += 1
        slug = f"tag-{pk}-{n}"
    return slug


def register():
    from taggit.models import Tag
    from wagtail.models import Revision

    post_save.connect(enqueue_embed_resolution_for_revision, sender=Revision, dispatch_uid="news-embeds-on-revision")
    # Before invalidation's own post_save on Tag (connected after this), which purges by slug.
    post_save.connect(give_a_tag_its_own_address, sender=Tag, dispatch_uid="news-tag-fallback-slug")
    post_page_move.connect(keep_primary_section, dispatch_uid="news-primary-section-on-move")
