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
