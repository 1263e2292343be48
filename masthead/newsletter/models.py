"""The newsletter (issue 12): each site's lists, the addresses that asked for them, the
editions sent to a list, and one delivery record per edition and subscriber.

A subscriber is one address on one site, whatever lists it takes: it confirms once
(double opt-in), and its status says whether anything may be sent to it. Its lists are
`Subscription` rows. An edition is rendered once; each `Delivery` row is one mail to one
subscriber, unique per edition, so a resumed send never mails anyone twice and never
skips anyone (the delivery side keeps the row's state honest across crashes).

The database refuses unknown statuses and states, a second subscriber for the same
address on a site (whatever its letter case), a second delivery of an edition to one
subscriber, and a second digest of a list for the same period.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

MAX_EMAIL = 254  # RFC 5321's limit on a forward path


@register_setting(icon="mail")
class NewsletterSettings(BaseSiteSetting):
    signup_enabled = models.BooleanField(default=True, help_text="Show the signup box and take new subscribers.")
    box_title = models.CharField(max_length=100, default="Get our newsletter")
    box_text = models.CharField(
        max_length=300, blank=True, default="The day's stories in your inbox, and breaking news as it happens."
    )
    consent_text = models.TextField(
        default=(
            "We send you only the newsletters you choose. Every mail has a link to change "
            "them or to unsubscribe with one click. We never share your address."
        ),
        help_text="Shown beside the signup form; each subscriber keeps the text they agreed to.",
    )
    from_name = models.CharField(max_length=100, blank=True, help_text="Empty: the site's name.")
    from_email = models.EmailField(
        max_length=MAX_EMAIL, blank=True, help_text="Empty: DEFAULT_FROM_EMAIL from the environment."
    )
    postal_address = models.CharField(
        max_length=300, blank=True, help_text="The newsroom's postal address, shown at the foot of every mail."
    )
    bounce_limit = models.PositiveSmallIntegerField(
        default=3, help_text="Permanent failures (5xx) after which an address is marked bounced."
    )

    panels = [
        FieldPanel("signup_enabled"),
        MultiFieldPanel([FieldPanel("box_title"), FieldPanel("box_text"), FieldPanel("consent_text")], "Signup box"),
        MultiFieldPanel([FieldPanel("from_name"), FieldPanel("from_email"), FieldPanel("postal_address")], "Sender"),
        FieldPanel("bounce_limit"),
    ]

    class Meta:
        verbose_name = "Newsletter"


class NewsletterList(models.Model):
    """What a reader can subscribe to: a digest on a schedule, breaking alerts, or
    editions composed by hand."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest of new articles, on a schedule"
        BREAKING = "breaking", "Breaking news alerts"
        COMPOSED = "composed", "Editions composed by hand"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        NONE = "none", "Not scheduled"

    wagtail_reference_index_ignore = True

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="newsletter_lists")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIGEST)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.NONE)
    send_time = models.TimeField(default=datetime.time(7, 0), help_text="In the site's time zone.")
    weekday = models.PositiveSmallIntegerField(default=0, help_text="For weekly digests: 0 is Monday, 6 is Sunday.")
    public = models.BooleanField(default=True, help_text="Offered in the signup box and on the preferences page.")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="newsletter_list_slug_per_site"),
            models.CheckConstraint(
                condition=Q(kind__in=["digest", "breaking", "composed"]), name="newsletter_list_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly", "none"]), name="newsletter_list_frequency_known"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="newsletter_list_weekday_in_week"),
        ]

    def __str__(self):
        return self.name


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    BOUNCED = "bounced", "Bounced"


class Subscriber(models.Model):
    """One address on one site. Mail goes to it only while it is confirmed and not
    paused; a pending one gets nothing but its confirmation mail."""

    class Source(models.TextChoices):
        SIGNUP = "signup", "Signup form"
        IMPORT = "import", "CSV import"
        ADMIN = "admin", "Added by an editor"

    wagtail_reference_index_ignore = True

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="newsletter_subscribers")
    email = models.EmailField(max_length=MAX_EMAIL)
    status = models.CharField(max_length=12, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SIGNUP)
    lists = models.ManyToManyField(NewsletterList, through="Subscription", related_name="subscribers")
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    bounce_count = models.PositiveSmallIntegerField(default=0)
    bounced_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True, help_text="What the subscriber agreed to, as it read then.")
    # Raised to retire every link mailed so far (an address that asks for it, or an editor).
    link_version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint("site", Lower("email"), name="newsletter_one_subscriber_per_address"),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in SubscriberStatus]),
                name="newsletter_subscriber_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="newsletter_confirmed_has_a_date",
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "id"], name="newsletter_subscriber_status")]

    def __str__(self):
        return self.email

    def receives_mail(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == SubscriberStatus.CONFIRMED and (self.paused_until is None or self.paused_until < on)


class Subscription(models.Model):
    wagtail_reference_index_ignore = True

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter_list = models.ForeignKey(NewsletterList, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter_list"], name="newsletter_subscription_once")
        ]
        indexes = [models.Index(fields=["newsletter_list", "subscriber"], name="newsletter_list_members")]

    def __str__(self):
        return f"{self.subscriber_id} on {self.newsletter_list_id}"


class EditionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


class Edition(ClusterableModel):
    """One mail to every subscriber of a list: a digest made on the list's schedule, an
    edition an editor composed, or a breaking alert about one article. Its subject and
    bodies are rendered once, when sending starts; each mail adds only its own links."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest"
        COMPOSED = "composed", "Composed"
        BREAKING = "breaking", "Breaking alert"

    wagtail_reference_index_ignore = True

    newsletter_list = models.ForeignKey(NewsletterList, on_delete=models.PROTECT, related_name="editions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMPOSED)
    state = models.CharField(max_length=10, choices=EditionState.choices, default=EditionState.DRAFT)
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Plain text above the articles.")
    articles = models.ManyToManyField("wagtailcore.Page", through="EditionArticle", related_name="+")
    # A digest's period: the articles first published in [period_start, period_end). Unique
    # per list, so a schedule that fires twice makes one digest.
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="newsletter_editions"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rendered_html = models.TextField(blank=True)
    rendered_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in EditionState]), name="newsletter_edition_state_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["digest", "composed", "breaking"]), name="newsletter_edition_kind_known"
            ),
            models.UniqueConstraint(
                fields=["newsletter_list", "period_end"],
                condition=Q(kind="digest"),
                name="newsletter_one_digest_per_period",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_for__isnull=False),
                name="newsletter_scheduled_has_a_time",
            ),
        ]

    # The admin composes a draft: its list, subject, intro and articles in order.
    panels = [
        FieldPanel("newsletter_list"),
        FieldPanel("subject"),
        FieldPanel("intro"),
        InlinePanel("edition_articles", label="Articles", panels=[PageChooserPanel("page", "news.ArticlePage")]),
    ]

    def __str__(self):
        return self.subject


class EditionArticle(models.Model):
    wagtail_reference_index_ignore = True
    sort_order_field = "position"  # InlinePanel's drag-and-drop order

    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="edition_articles")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "page"], name="newsletter_article_once_per_edition")]

    def __str__(self):
        return f"{self.page_id} in {self.edition_id}"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # temporary failures used up, or a permanent one
    BOUNCED = "bounced", "Bounced"
    SKIPPED = "skipped", "Skipped"  # unsubscribed, bounced or paused before its turn


class Delivery(models.Model):
    """One mail of an edition to one subscriber: made for every recipient when the send
    starts, so a resumed send knows who is left."""

    wagtail_reference_index_ignore = True

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which sender holds the row while it is SENDING (host, process and its start time, so
    # a dead holder is recognised on its own host) and until when; see newsletter/sending.py.
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="newsletter_one_delivery_per_subscriber"),
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in DeliveryState]),
                name="newsletter_delivery_state_known",
            ),
        ]
        indexes = [models.Index(fields=["edition", "state", "id"], name="newsletter_delivery_progress")]

    def __str__(self):
        return f"Edition {self.edition_id} to {self.subscriber_id}"


class SubscriberImport(models.Model):
    """A CSV of subscribers an editor uploaded: its rows are kept in chunks
    (`SubscriberImportChunk`) and worked through by a task, one chunk per transaction, so
    the admin shows progress and a restarted worker carries on where it stopped."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"

    wagtail_reference_index_ignore = True

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200, blank=True)
    # The editor stated these people agreed to get the lists: they are confirmed at once.
    # Otherwise each new address gets a confirmation mail, paced.
    consented = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    mails_queued = models.PositiveIntegerField(default=0)
    problems = models.TextField(blank=True, help_text="The first problems found, one per line.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done"]), name="newsletter_import_state_known"
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} ({self.file_name})"

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else min(100, self.processed_rows * 100 // self.total_rows)


class SubscriberImportChunk(models.Model):
    wagtail_reference_index_ignore = True

    subscriber_import = models.ForeignKey(SubscriberImport, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_line = models.PositiveIntegerField()
    rows = models.JSONField(default=list)  # [[email, lists, status], ...] as the file had them
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber_import", "number"], name="newsletter_import_chunk_once")
        ]

    def __str__(self):
        return f"Chunk {self.number} of import {self.subscriber_import_id}"
