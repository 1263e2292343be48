"""Named ad placements and the house-ad creatives that fill them."""

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from masthead.core.models import NewsImage, is_site_path

# Tags and attributes an editor may use in an HTML creative: enough for a banner,
# nothing that runs script or loads a frame. No class either: the stylesheet styles the
# slot around a creative, and a class would let an ad borrow the site's own look. No
# srcset (nor picture/source, which need it): nh3 does not pass it through the URL rule.
CREATIVE_TAGS = {"a", "b", "br", "div", "em", "i", "img", "p", "span", "strong", "small"}
CREATIVE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
}


class Placement(models.TextChoices):
    HEADER = "header", "Header (under the masthead)"
    SIDEBAR = "sidebar", "Sidebar"
    IN_ARTICLE = "in_article", "In article (after paragraph N)"
    BETWEEN_ARTICLES = "between_articles", "Between articles in the stream"


class AdSize(models.TextChoices):
    """Standard ad sizes; each has its reserved box in the stylesheet (no inline styles
    under the CSP), scaled down proportionally on narrow screens."""

    LEADERBOARD = "728x90", "Leaderboard 728×90"
    BILLBOARD = "970x250", "Billboard 970×250"
    SUPER_LEADERBOARD = "970x90", "Super leaderboard 970×90"
    MEDIUM_RECTANGLE = "300x250", "Medium rectangle 300×250"
    LARGE_RECTANGLE = "336x280", "Large rectangle 336×280"
    HALF_PAGE = "300x600", "Half page 300×600"
    MOBILE_BANNER = "320x100", "Large mobile banner 320×100"


class AdSlot(models.Model):
    """Where ads may appear; the size reserves space so the layout never jumps."""

    placement = models.CharField(max_length=30, choices=Placement.choices, unique=True)
    size = models.CharField(max_length=10, choices=AdSize.choices, default=AdSize.MEDIUM_RECTANGLE)
    after_paragraph = models.PositiveSmallIntegerField(
        default=3, help_text="In-article slot: show after this paragraph (other blocks do not count)."
    )
    every_n_articles = models.PositiveSmallIntegerField(
        default=5, help_text="Stream slot: show after every N articles."
    )
    enabled = models.BooleanField(default=True)

    panels = [
        FieldPanel("placement"),
        FieldPanel("size"),
        FieldPanel("after_paragraph"),
        FieldPanel("every_n_articles"),
        FieldPanel("enabled"),
    ]

    class Meta:
        ordering = ["placement"]

    def __str__(self):
        return self.get_placement_display()


class CreativeQuerySet(models.QuerySet):
    def running(self, at):
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at),
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            is_active=True,
            slot__enabled=True,
        )


class AdCreative(models.Model):
    """A house ad: an image with a link, or a piece of sanitised HTML."""

    name = models.CharField(max_length=120, help_text="For editors only.")
    slot = models.ForeignKey(AdSlot, on_delete=models.CASCADE, related_name="creatives")
    image = models.ForeignKey(NewsImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    alt_text = models.CharField(max_length=200, blank=True)
    link_url = models.URLField(blank=True)
    html = models.TextField(
        blank=True, help_text="Used instead of the image. Scripts, frames and event attributes are removed."
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    priority = models.SmallIntegerField(default=0, help_text="Higher wins when several run in one slot.")
    is_active = models.BooleanField(default=True)

    objects = CreativeQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slot"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("link_url")], heading="Image ad"),
        FieldPanel("html"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="Schedule"),
        FieldRowPanel([FieldPanel("priority"), FieldPanel("is_active")]),
    ]

    class Meta:
        ordering = ["-priority", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="ad_creative_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.html = sanitize_creative_html(self.html)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.image_id and not self.html.strip():
            raise ValidationError("Give the ad an image or some HTML.")
        if self.image_id and not self.alt_text:
            raise ValidationError({"alt_text": "Describe the image for readers who cannot see it."})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})


class ChosenAds(models.Model):
    """The creatives the worker last saw chosen, one row (masthead.ads.schedule). Kept in
    the database, not a cache: a cache that lost it (a Redis restart, an eviction) would
    make the worker miss an ad's start or end, and serve stale pages until the next edit."""

    chosen = models.TextField(blank=True)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "chosen ads"

    def __str__(self):
        return self.chosen or "(no ads)"


def _site_path_or_nothing(url: str) -> str | None:
    """nh3 hands over every URL without a scheme, protocol-relative `//host/` included."""
    return url if is_site_path(url) else None


def sanitize_creative_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=CREATIVE_TAGS,
        attributes=CREATIVE_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        url_relative=_site_path_or_nothing,
        link_rel="sponsored noopener",
    )
