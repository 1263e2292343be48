"""A tag whose name slugify empties ("#", "…", an emoji) was saved with an empty slug,
which no address can carry (the article page and the pages sitemap failed on it). It
takes the fallback new tags get (news.signal_handlers.give_a_tag_its_own_address).
Tags that took "_1", "_2" after it keep those: they work, and are addressed already."""

from django.db import migrations


def give_tags_without_a_slug_one(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.filter(slug=""):
        slug, n = f"tag-{tag.pk}", 0
        while Tag.objects.filter(slug=slug).exists():
            n += 1
            slug = f"tag-{tag.pk}-{n}"
        Tag.objects.filter(pk=tag.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0011_simple_pages"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(give_tags_without_a_slug_one, migrations.RunPython.noop, elidable=True),
    ]
