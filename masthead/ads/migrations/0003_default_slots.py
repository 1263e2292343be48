from django.db import migrations

DEFAULT_SLOTS = [
    # placement, width, height
    ("header", 970, 90),
    ("sidebar", 300, 250),
    ("in_article", 300, 250),
    ("between_articles", 728, 90),
]


def create_default_slots(apps, schema_editor):
    AdSlot = apps.get_model("ads", "AdSlot")
    for placement, width, height in DEFAULT_SLOTS:
        AdSlot.objects.get_or_create(placement=placement, defaults={"width": width, "height": height})


class Migration(migrations.Migration):
    dependencies = [("ads", "0002_initial")]

    operations = [migrations.RunPython(create_default_slots, migrations.RunPython.noop)]
