"""Reader comments on any Wagtail page: the thread, likes, "Notify of" subscriptions,
bans and the site's comment policy.

Comments point at Wagtail's `Page`, not at articles, so the app stays reusable. A
thread is kept in tree order by `path` (the ids from the top-level comment down,
zero-padded), so a reply is one insert and one update, never a renumbering of the
thread (decision 0009).
"""

import ipaddress

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from masthead.comments.text import email_length_problem, normalised_email

PATH_DIGITS = 12


class ModerationPolicy(models.TextChoices):
    EVERYONE = "everyone", "Hold every comment for review"
    FIRST_TIME = "first_time", "Hold comments from first-time commenters"
    NOBODY = "nobody", "Publish comments at once"


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
    enabled = models.BooleanField(default=True, help_text="Readers may comment on articles.")
    moderation = models.CharField(max_length=20, choices=ModerationPolicy.choices, default=ModerationPolicy.FIRST_TIME)
    close_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Close an article's comments this many days after it was published. Empty: never.",
    )
    max_depth = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=(
            "How many levels a thread has, top-level comments included. 1: a flat thread, where a reply is "
            "listed as a comment of its own and the commenter it answers is still notified; 2: no replies to replies."
        ),
    )
    edit_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(24 * 60)],
        help_text="How long a guest may edit or delete their own comment from the same browser.",
    )
    max_length = models.PositiveIntegerField(
        default=5000, validators=[MinValueValidator(100), MaxValueValidator(20000)], help_text="Characters per comment."
    )
    max_links = models.PositiveSmallIntegerField(
        default=3, help_text="A comment with more links than this is held for review."
    )
    blocked_words = models.TextField(
        blank=True, help_text="One word or phrase per line. A comment containing one is held for review."
    )
    posts_per_minute_per_ip = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1)], help_text="Comments one network address may send per minute."
    )
    posts_per_hour_per_email = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1)], help_text="Comments one email address may send per hour."
    )
    min_seconds_to_submit = models.PositiveSmallIntegerField(
        default=3, help_text="A form sent sooner than this after it was shown is treated as a robot's."
    )
    notification_window_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="At most one mail per address per thread in this window; later comments wait for a digest.",
    )
    spam_checker_enabled = models.BooleanField(
        default=False,
        help_text="Ask an Akismet-compatible service about each comment (its key comes from MASTHEAD_SPAM_CHECKER_KEY).",
    )
    spam_checker_url = models.URLField(
        blank=True,
        default="https://rest.akismet.com",
        # The site's key and readers' addresses go there: never in clear text.
        validators=[URLValidator(schemes=["https"])],
        help_text="The service's base address (https).",
    )
    removal_notice = models.TextField(
        blank=True,
        default="Your comment was removed because it breaks our comment rules.",
        help_text="Shown to a commenter whose comment was removed when the moderator gives no reason of their own.",
    )

    panels = [
        FieldPanel("enabled"),
        MultiFieldPanel(
            [
                FieldPanel("moderation"),
                FieldPanel("close_after_days"),
                FieldPanel("max_depth"),
                FieldPanel("edit_minutes"),
            ],
            heading="Policy",
        ),
        MultiFieldPanel(
            [
                FieldPanel("max_length"),
                FieldPanel("max_links"),
                FieldPanel("blocked_words"),
                FieldPanel("posts_per_minute_per_ip"),
                FieldPanel("posts_per_hour_per_email"),
                FieldPanel("min_seconds_to_submit"),
                FieldPanel("spam_checker_enabled"),
                FieldPanel("spam_checker_url"),
            ],
            heading="Spam and abuse",
        ),
        FieldPanel("notification_window_minutes"),
        FieldPanel("removal_notice"),
    ]

    class Meta:
        verbose_name = "Comment settings"

    def blocked_word_list(self) -> list[str]:
        return [line.strip().casefold() for line in self.blocked_words.splitlines() if line.strip()]


class Discussion(models.Model):
    """One per page that has ever been commented on: its counts and whether it is open.
    The counts are kept with each change, so a card's "Comments (N)" is one row."""

    wagtail_reference_index_ignore = True  # as Comment

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="discussion"
    )
    approved_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)
    closed = models.BooleanField(default=False, help_text="No new comments; the thread stays readable.")
    last_comment_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Discussion of page {self.page_id}"


class Comment(models.Model):
    # Readers' writes are not content: Wagtail's reference index (what uses a page or
    # an image) would queue a task for each of them and list thousands of comments as
    # "uses" of an article.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="reader_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # The comment this one answers. Usually the parent; past the site's reply depth a
    # reply is placed beside the comment it answers (in a flat thread, at the top), and
    # this still names that comment (its author is the one "replies to my comments" tells).
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The top-level comment of the thread this one is in; empty for a top-level comment.
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0)
    # Tree order inside a thread: each ancestor's id and its own, PATH_DIGITS digits each.
    path = models.CharField(max_length=255, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField(blank=True)
    author_url = models.URLField(blank=True)
    body = models.TextField()
    # The body as the thread shows it (paragraphs, links), made once when it is saved.
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    is_staff_reply = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True, help_text="Why the comment waits for a moderator.")
    # A statement of reasons for a removal, shown to the commenter (the EU's DSA asks this).
    removal_reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    # Approved replies below a top-level comment, at any depth.
    reply_count = models.PositiveIntegerField(default=0)
    # Shown in the thread: approved, or removed but kept as "This comment was removed"
    # because approved replies hang under it.
    in_thread = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by an import (`masthead import-wordpress`, JSON import) to update instead of duplicating.
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            # Top-level comments of a page, newest or oldest first, and most liked first.
            models.Index(fields=["page", "in_thread", "depth", "created_at", "id"], name="comment_thread_time"),
            models.Index(fields=["page", "in_thread", "depth", "like_count", "id"], name="comment_thread_likes"),
            models.Index(fields=["root", "in_thread", "path"], name="comment_replies"),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            models.Index(fields=["author_email", "status"], name="comment_by_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "trash"]), name="comment_status_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(parent__isnull=True, root__isnull=True, depth=0) | Q(parent__isnull=False, root__isnull=False)
                ),
                name="comment_root_matches_parent",
            ),
            models.UniqueConstraint(
                fields=["page", "external_id"], condition=~Q(external_id=""), name="comment_external_id_unique"
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on page {self.page_id}"

    def get_absolute_url(self):
        from django.urls import reverse

        # The conversation it is in: always one page, however long the thread.
        conversation = self.root_id or self.pk
        return reverse("comments:thread", args=[self.page_id]) + f"?replies={conversation}#comment-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class CommentLike(models.Model):
    """One like per reader per comment. A guest is known by a random id in a cookie
    that only /comments/ sees, kept here as a keyed hash; a signed-in reader by user."""

    wagtail_reference_index_ignore = True  # as Comment

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    reader_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reader_key"], name="one_like_per_reader")]

    def __str__(self):
        return f"Like of comment {self.comment_id}"


class Subscription(models.Model):
    """ "Notify of": an address that wants mail about one page's comments."""

    wagtail_reference_index_ignore = True  # as Comment

    class Scope(models.TextChoices):
        ALL = "all", "New comments on this article"
        REPLIES = "replies", "Only replies to my comments"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="comment_subscriptions")
    email = models.EmailField()
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.REPLIES)
    created_at = models.DateTimeField(default=timezone.now)
    # Double opt-in: a guest's address gets mail only once it confirmed (a signed-in
    # reader's own address counts as confirmed).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    last_mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "email"], name="one_subscription_per_page_and_address"),
            models.CheckConstraint(condition=Q(scope__in=["all", "replies"]), name="subscription_scope_known"),
        ]

    def __str__(self):
        return f"{self.email} on page {self.page_id}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None


class EmailOptOut(models.Model):
    """An address that stopped every thread: no subscription mails it again, and a new
    subscription needs a fresh confirmation."""

    wagtail_reference_index_ignore = True  # as Comment

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.email


class Notification(models.Model):
    """One approved comment to tell one subscription about. Unique, so nobody is told
    twice; `sent_at` is set when the mail (alone or in a digest) went out."""

    wagtail_reference_index_ignore = True  # as Comment

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "comment"], name="notify_once_per_comment")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_outbox")]

    def __str__(self):
        return f"Comment {self.comment_id} for subscription {self.subscription_id}"


class Ban(models.Model):
    wagtail_reference_index_ignore = True  # as Comment

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        IP = "ip", "Network address"
        NETWORK = "network", "Address range (CIDR, e.g. 203.0.113.0/24)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="The address, or the range in CIDR form.")
    reason = models.TextField(blank=True, help_text="Kept for moderators; not shown to the reader.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(kind__in=["email", "ip", "network"]), name="ban_kind_known")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        self.value = self.value.strip()
        try:
            if self.kind == self.Kind.EMAIL:
                self.value = normalised_email(self.value)
                validate_email(self.value)
            elif self.kind == self.Kind.IP:
                self.value = str(ipaddress.ip_address(self.value))
            else:
                self.value = str(ipaddress.ip_network(self.value, strict=False))
        except (ValueError, ValidationError):
            raise ValidationError({"value": f"Not a valid {self.get_kind_display().lower()}."}) from None
        # Lower case can outgrow the column (text.normalised_email).
        if self.kind == self.Kind.EMAIL and (problem := email_length_problem(self.value)):
            raise ValidationError({"value": problem})
