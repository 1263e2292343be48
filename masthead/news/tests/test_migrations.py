"""The editorial groups' migrations go back and forward again without losing grants."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import GroupCollectionPermission


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


def newsimage_collection_grants():
    return set(
        GroupCollectionPermission.objects.filter(
            permission__content_type__app_label="core", permission__content_type__model="newsimage"
        ).values_list("group__name", "permission__codename")
    )


@pytest.mark.django_db(transaction=True)
def test_unapplying_0005_puts_back_the_image_grants_0002_gave():
    """0005 swaps 0002's core.NewsImage collection grants for wagtailimages ones; going back
    to 0004 restores them, and Authors lose the rights 0005 gave."""
    from django.contrib.auth.models import Group
    from wagtail.models import Collection

    # A transactional test run before this one flushed what the migrations made (the
    # editorial groups, the root collection): the grants are put back onto those.
    for name in ("Authors", "Editors"):
        Group.objects.get_or_create(name=name)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("news")
    migrate(("news", "0004_authors_edit_only_their_own"))
    try:
        assert newsimage_collection_grants() == {
            ("Authors", "add_newsimage"),
            ("Authors", "choose_newsimage"),
            ("Editors", "add_newsimage"),
            ("Editors", "change_newsimage"),
            ("Editors", "delete_newsimage"),
            ("Editors", "choose_newsimage"),
        }
        assert not GroupCollectionPermission.objects.filter(
            group__name="Authors", permission__content_type__app_label="wagtailimages"
        ).exists()
    finally:
        migrate(*latest)

    assert newsimage_collection_grants() == set()
    assert GroupCollectionPermission.objects.filter(group__name="Authors", permission__codename="add_image").exists()


@pytest.mark.django_db(transaction=True)
def test_0012_gives_a_tag_left_without_a_slug_the_fallback_new_tags_get():
    """A tag saved with an empty slug before 0012 takes "tag-<pk>"; one that names it
    already is not disturbed, and slugs that were usable stay as they were."""
    from taggit.models import Tag

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("news")
    migrate(("news", "0011_simple_pages"))
    try:
        emptied = Tag.objects.create(name="#")
        Tag.objects.filter(pk=emptied.pk).update(slug="")
        taken = Tag.objects.create(name=f"Tag {emptied.pk}")
        ports = Tag.objects.create(name="Ports")
    finally:
        migrate(*latest)

    assert Tag.objects.get(pk=emptied.pk).slug == f"tag-{emptied.pk}-1"
    assert Tag.objects.get(pk=taken.pk).slug == f"tag-{emptied.pk}"
    assert Tag.objects.get(pk=ports.pk).slug == "ports"
