"""Authors and Editors upload and choose images.

Wagtail checks image rights against `wagtailimages.Image`'s permissions, per collection,
whichever image model the site uses (WAGTAILIMAGES_IMAGE_MODEL is core.NewsImage here).
0002 granted core.NewsImage's own permissions, which Wagtail never asks about: Authors
could not upload. Those dead grants go; the ones Wagtail checks take their place.
Editors change and delete anyone's images (Wagtail's "change" covers both); Authors add
and choose, and change their own uploads.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

IMAGE_RIGHTS = {
    "Authors": ["add_image", "choose_image"],
    "Editors": ["add_image", "change_image", "delete_image", "choose_image"],
}


def _image_permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="wagtailimages", codename__in=codenames))


def grant_image_rights(apps, schema_editor):
    wagtailimages = apps.get_app_config("wagtailimages")
    wagtailimages.models_module = True
    create_permissions(wagtailimages, verbosity=0)
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
    """Back to 0004: Authors lose what this gave them; Editors keep Wagtail's defaults."""
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    authors = Group.objects.filter(name="Authors").first()
    if authors is None:
        return
    permissions = _image_permissions(apps, IMAGE_RIGHTS["Authors"])
    authors.permissions.remove(*permissions)
    GroupCollectionPermission.objects.filter(group=authors, permission__in=permissions).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_authors_edit_only_their_own"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant_image_rights, withdraw_authors_image_rights)]
