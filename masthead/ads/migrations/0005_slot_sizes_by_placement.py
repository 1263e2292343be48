from django.db import migrations

SIZE_BY_PLACEMENT = {"header": "970x90", "between_articles": "728x90"}


def size_slots(apps, schema_editor):
    AdSlot = apps.get_model("ads", "AdSlot")
    for placement, size in SIZE_BY_PLACEMENT.items():
        AdSlot.objects.filter(placement=placement).update(size=size)


class Migration(migrations.Migration):
    dependencies = [("ads", "0004_slot_standard_sizes")]

    operations = [migrations.RunPython(size_slots, migrations.RunPython.noop)]
