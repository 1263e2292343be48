import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

# A post with many comments and images takes seconds; no report for this long is a stop.
STALLED_AFTER_SECONDS = 120


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
    # An article's or page's revision the import saved last: a later revision is an edit
    # made here, which the next import keeps (unless told to overwrite edits).
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key"], name="wordpress_import_one_object_per_key")
        ]

    def __str__(self):
        return f"{self.kind} {self.key} from {self.source}"


class ImportRun(models.Model):
    """An import started from the admin: the uploaded export, how far the import has
    read it, and its report. The import itself runs as a task (tasks.py)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text="The upload, kept until the import has read it.")
    size = models.PositiveBigIntegerField(default=0)
    dry_run = models.BooleanField(default=False)
    keep_pingbacks = models.BooleanField(default=False)
    overwrite_edits = models.BooleanField(default=False)
    media_base_url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=40, blank=True)
    bytes_read = models.PositiveBigIntegerField(default=0)
    report = models.TextField(blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.bytes_read * 100 // self.size) if self.size else 0

    @property
    def stalled(self) -> bool:
        """Running, yet silent for longer than an import ever is between two reports of
        its progress (about a second): its worker was stopped."""
        quiet = timezone.now() - self.updated_at
        return self.state == self.State.RUNNING and quiet > datetime.timedelta(seconds=STALLED_AFTER_SECONDS)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
