"""Authors and Editors upload and choose images.

Wagtail checks image rights against `wagtailimages.Image`'s permissions, per collection,
whichever image model the site uses (WAGTAILIMAGES_IMAGE_MODEL is core.NewsImage here).
0002 granted core.NewsImage's own permissions, which Wagtail never asks about: Authors
could not upload. Those dead grants go; the ones Wagtail checks take their place.
Editors change and delete anyone's images (Wagtail's "change" covers both); Authors add
and choose, and change their own uploads.

The reverse is partial: it puts back 0002's core.NewsImage collection grants and takes
Authors' new rights away, but leaves Editors' wagtailimages rights in place, since
Wagtail's own migrations give its Editors group most of them and which were there before
cannot be told apart.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# What 0002 granted on core.NewsImage, per collection: put back by the reverse.
NEWSIMAGE_RIGHTS_OF_0002 = {
    "Authors": ["add_newsimage", "choose_newsimage"],
    "Editors": ["add_newsimage", "change_newsimage", "delete_newsimage", "choose_newsimage"],
}
IMAGE_RIGHTS = {
    "Authors": ["add_image", "choose_image"],
    "Editors": ["add_image", "change_image", "delete_image", "choose_image"],
}


def _image_permissions(apps, codenames, app_label="wagtailimages"):
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def grant_image_rights(apps, schema_editor):
    wagtailimages = apps.get_app_config("wagtailimages")
    wagtailimages.models_module = True
    create_permissions(wagtailimages, verbosity=0, apps=apps)
    wagtailimages.models_module = None

    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()

    GroupCollectionPermission.objects.filter(
        group__name__in=IMAGE_RIGHTS, permission__content_type__app_label="core",
        permission__content_type__model="newsimage",
    ).delete()
    for name, codenames in IMAGE_RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = _image_permissions(apps, codenames)
        group.permissions.add(*permissions)
        if root_collection is not None:
            for permission in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def withdraw_authors_image_rights(apps, schema_editor):
    """Back to 0004, as far as can be known: see the module docstring."""
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()

    authors = Group.objects.filter(name="Authors").first()
    if authors is not None:
        permissions = _image_permissions(apps, IMAGE_RIGHTS["Authors"])
        authors.permissions.remove(*permissions)
        GroupCollectionPermission.objects.filter(group=authors, permission__in=permissions).delete()
    if root_collection is None:
        return
    for group in Group.objects.filter(name__in=NEWSIMAGE_RIGHTS_OF_0002):
        for permission in _image_permissions(apps, NEWSIMAGE_RIGHTS_OF_0002[group.name], app_label="core"):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_authors_edit_only_their_own"),
        # Collections and their permissions come with news 0001's wagtailcore dependency.
        ("wagtailimages", "0023_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(grant_image_rights, withdraw_authors_image_rights)]
