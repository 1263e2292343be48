"""First-party audience counts: views per page per hour, referrer domains per day, ad
impressions and clicks per creative per hour, and what Trending shows.

Counts point at Wagtail's `Page` (and at `ads.AdCreative` by name), not at articles, so the
app stays reusable. No row holds an IP address or a visitor id: a reader's visit is told
from another by a hash that lives only in the one day's dedupe store (see `visitors.py`).

Hourly rows are the history: "Most read", Trending's decayed score and the dashboard's
charts all read them. `PageViewTotal` is the running sum a page shows ("1,099 Views"), kept
beside the hourly rows in the same write so a card never sums a year of hours.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="view")
class AnalyticsSettings(BaseSiteSetting):
    show_view_counts = models.BooleanField(default=True, help_text='Show "N Views" on articles and cards.')
    minimum_views_shown = models.PositiveIntegerField(
        default=10, help_text="Below this many views an article shows no count (a new story is not '3 Views')."
    )
    trending_window_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 31)],
        help_text="Trending looks at views in this many past hours.",
    )
    trending_half_life_hours = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 31)],
        help_text="A view this many hours old counts half as much as one now.",
    )
    trending_size = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(20)], help_text="Articles in a Trending box."
    )

    panels = [
        MultiFieldPanel([FieldPanel("show_view_counts"), FieldPanel("minimum_views_shown")], heading="View counts"),
        MultiFieldPanel(
            [FieldPanel("trending_window_hours"), FieldPanel("trending_half_life_hours"), FieldPanel("trending_size")],
            heading="Trending",
        ),
    ]

    class Meta:
        verbose_name = "Analytics settings"


class PageViewsHourly(models.Model):
    """Views of one page in one hour (UTC, the hour's start)."""

    wagtail_reference_index_ignore = True  # counters, not content: nothing to list under "Usage"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "hour"], name="analytics_page_hour_unique")]
        # "Most read this week" and Trending: every page's hours since a moment.
        indexes = [models.Index(fields=["hour", "page"], name="analytics_hour_page")]

    def __str__(self):
        return f"{self.views} views of page {self.page_id} at {self.hour:%Y-%m-%d %H}:00"


class PageViewsDaily(models.Model):
    """Views of one page in one day (UTC): what "Most read this month" and the dashboard's
    longer charts read, so they never sum thousands of hours. Written beside the hourly
    row by the same flush."""

    wagtail_reference_index_ignore = True

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="analytics_page_day_unique")]
        indexes = [models.Index(fields=["day", "page"], name="analytics_day_page")]

    def __str__(self):
        return f"{self.views} views of page {self.page_id} on {self.day}"


class SiteViewsDaily(models.Model):
    """Views of every page in one day (UTC): the dashboard's site chart over a year is 365
    rows, whatever the number of articles."""

    day = models.DateField(primary_key=True)
    views = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.views} views on {self.day}"


class PageViewTotal(models.Model):
    """All views of one page: the number it shows."""

    wagtail_reference_index_ignore = True

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+")
    views = models.PositiveBigIntegerField(default=0)
    # Of `views`, those counted before the page came to Masthead (a WordPress import's
    # starting count): kept apart so importing again replaces them instead of adding.
    # A database default: the counters' upserts insert rows without naming it.
    carried_over = models.PositiveBigIntegerField(default=0, db_default=0)

    class Meta:
        # Who may open the audience dashboard (granted to Editors and Moderators by
        # migration 0003); counts themselves are never edited by hand.
        permissions = [("view_reports", "Can see the audience reports")]

    def __str__(self):
        return f"{self.views} views of page {self.page_id}"


class ReferrerDaily(models.Model):
    """Views of one page in one day (UTC) that came from another site: its domain only,
    never the address (an address can carry a reader's search or a private link)."""

    wagtail_reference_index_ignore = True

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    domain = models.CharField(max_length=253)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "day", "domain"], name="analytics_referrer_unique")]
        indexes = [models.Index(fields=["day", "domain"], name="analytics_referrer_day")]

    def __str__(self):
        return f"{self.views} views of page {self.page_id} from {self.domain} on {self.day}"


class AdCountsHourly(models.Model):
    """Impressions and clicks of one creative in one hour (UTC)."""

    wagtail_reference_index_ignore = True

    creative = models.ForeignKey("ads.AdCreative", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    impressions = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creative", "hour"], name="analytics_creative_hour_unique")]
        indexes = [models.Index(fields=["hour"], name="analytics_ad_hour")]

    def __str__(self):
        return f"Creative {self.creative_id} at {self.hour:%Y-%m-%d %H}:00"


class DailySalt(models.Model):
    """The day's secret that a reader's address and browser are hashed with to tell one
    visit from another. Yesterday's is deleted once the day is over, and with it any way
    to link a hash back to an address (see `visitors.py` and the privacy note)."""

    day = models.DateField(primary_key=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"Salt of {self.day}"


class RecentView(models.Model):
    """A reader (by the day's hash) who viewed a page in the last 30 minutes, when there
    is no Redis to remember it: a second view before `expires_at` is not counted."""

    key = models.CharField(max_length=32, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key


class AppliedBatch(models.Model):
    """A batch of counts moved from Redis to these tables. Its row is written in the same
    transaction as the counts, so a flush that crashed after committing and runs again
    finds its batch here and only deletes it from Redis: nothing is counted twice."""

    batch = models.CharField(max_length=64, primary_key=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch


class TrendingChoice(models.Model):
    """An editor's word on one article in Trending: pinned to the top, or kept out."""

    class Kind(models.TextChoices):
        PIN = "pin", "Pinned to the top"
        EXCLUDE = "exclude", "Kept out"

    wagtail_reference_index_ignore = True

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="trending_choice"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: until an editor removes it.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.get_kind_display()}: page {self.page_id}"
