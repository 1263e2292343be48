from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedObject(models.Model):
    """What an object of a WordPress export became here, so that importing a fresh export
    of the same site again updates it instead of adding a copy.

    WordPress ids are unique within one site only: `source` names the site (the export's
    blog address). Authors are keyed by login, terms by slug, the rest by id."""

    class Kind(models.TextChoices):
        AUTHOR = "author"
        CATEGORY = "category"
        TAG = "post_tag"
        POST = "post"
        PAGE = "page"
        ATTACHMENT = "attachment"
        COMMENT = "comment"

    source = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key"], name="wordpress_import_one_object_per_key")
        ]

    def __str__(self):
        return f"{self.kind} {self.key} from {self.source}"
