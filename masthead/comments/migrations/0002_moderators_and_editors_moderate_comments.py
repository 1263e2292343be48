"""Wagtail's Moderators and the newsroom's Editors moderate reader comments: the queue
(`change_comment`, `view_comment`) and bans. Nobody gets `add_comment` or
`delete_comment`: comments come from readers and leave through the trash."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Moderators", "Editors")
RIGHTS = ["change_comment", "view_comment", "add_ban", "change_ban", "delete_ban", "view_ban"]


def _rights(apps):
    comments = apps.get_app_config("comments")
    comments.models_module = True
    create_permissions(comments, verbosity=0, apps=apps)
    comments.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="comments", codename__in=RIGHTS))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = _rights(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*rights)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="comments", codename__in=RIGHTS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("news", "0002_editorial_groups_and_workflow"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
