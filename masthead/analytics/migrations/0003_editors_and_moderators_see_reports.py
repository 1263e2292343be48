"""The newsroom's Editors and Wagtail's Moderators open the audience dashboard
(`analytics.view_reports`). Counts are never added, changed or deleted by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Moderators", "Editors")
RIGHTS = ["view_reports"]


def _rights(apps):
    analytics = apps.get_app_config("analytics")
    analytics.models_module = True
    create_permissions(analytics, verbosity=0, apps=apps)
    analytics.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="analytics", codename__in=RIGHTS))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = _rights(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*rights)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="analytics", codename__in=RIGHTS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_counting_and_daily_rollups"),
        ("news", "0002_editorial_groups_and_workflow"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
