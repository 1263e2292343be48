"""The search index's GIN indexes write new entries straight into the index instead of a
pending list every search reads (masthead/search/index_upkeep.py)."""

from django.db import migrations


def without_pending_lists(apps, schema_editor):
    from masthead.search.index_upkeep import without_pending_lists

    without_pending_lists(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(without_pending_lists, migrations.RunPython.noop)]
