"""The newsroom's Editors compose, send and follow newsletter editions (and send an
article as a breaking alert)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors",)
RIGHTS = ["add_edition", "change_edition", "view_edition", "delete_edition"]


def _rights(apps):
    newsletter = apps.get_app_config("newsletter")
    newsletter.models_module = True
    create_permissions(newsletter, verbosity=0, apps=apps)
    newsletter.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="newsletter", codename__in=RIGHTS))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = _rights(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*rights)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="newsletter", codename__in=RIGHTS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_edition_articles_composed_inline"),
        ("news", "0002_editorial_groups_and_workflow"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
