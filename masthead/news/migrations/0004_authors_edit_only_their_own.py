"""Authors create articles and edit their own (Wagtail's "add" permission); editing
anyone's page ("change") is for Editors."""

from django.db import migrations


def authors_add_only(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name="Authors", permission__codename="change_page").delete()


class Migration(migrations.Migration):
    dependencies = [("news", "0003_article_published_at_optional")]

    operations = [migrations.RunPython(authors_add_only, migrations.RunPython.noop)]
