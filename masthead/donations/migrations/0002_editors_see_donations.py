"""The newsroom's Editors see donations (`donations.view_donations`): who gave is
personal data, so Moderators do not. Donations are never added or changed by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors",)
RIGHTS = ["view_donations"]


def _rights(apps):
    donations = apps.get_app_config("donations")
    donations.models_module = True
    create_permissions(donations, verbosity=0, apps=apps)
    donations.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="donations", codename__in=RIGHTS))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = _rights(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*rights)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="donations", codename__in=RIGHTS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_initial"),
        ("news", "0002_editorial_groups_and_workflow"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
