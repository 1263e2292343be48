"""Purges that failed when their change committed, kept until the worker's retry lands."""

from django.db import models


class PendingPurge(models.Model):
    """One thing a failed purge still has to remove: a cache key's pages, a path's pages,
    every page, or one address at the CDN. One row per target, so the same key failing
    twice is one row whose attempts grow."""

    class Kind(models.TextChoices):
        KEY = "key", "Pages under a cache key"
        PATH = "path", "Pages at a path"
        EVERYTHING = "everything", "Every page"
        CDN = "cdn", "An address at the CDN"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    target = models.CharField(max_length=2000, blank=True)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["first_failed_at", "kind", "target"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target"], name="pagecache_pendingpurge_one_row_per_target"),
            models.CheckConstraint(
                condition=~models.Q(kind="everything") | models.Q(target=""),
                name="pagecache_pendingpurge_everything_has_no_target",
            ),
        ]

    def __str__(self):
        return self.get_kind_display() if self.kind == self.Kind.EVERYTHING else f"{self.kind} {self.target}"
