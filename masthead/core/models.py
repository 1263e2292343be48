"""Site-wide settings editors change in the admin, and the image model with credits."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable


class NewsImage(AbstractImage):
    """An image with the credit a newsroom must print beside it."""

    credit = models.CharField(
        max_length=255, blank=True, help_text="Photographer or agency, e.g. “Photo: Jane Doe/Reuters”."
    )
    default_caption = models.CharField(max_length=500, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "credit", "default_caption")

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"
        permissions = [("choose_newsimage", "Can choose image")]


class NewsRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


# A path on this site: one leading slash, then no second slash or backslash straight
# after it, and no backslash, whitespace or control character anywhere. Browsers read a
# backslash as a slash and drop tabs and line breaks, so `/\evil.example/` and
# `/<tab>/evil.example/` would both become `//evil.example/`: another site.
_SITE_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


def is_site_path(value: str) -> bool:
    return _SITE_PATH.fullmatch(value) is not None


def validate_menu_link(value: str) -> None:
    """Only site paths and web addresses: a javascript: link in the menu would run on every page."""
    if value.startswith(("/", "\\")):
        if not is_site_path(value):
            raise ValidationError(
                "A path on this site starts with one /, without backslashes, spaces or tabs: browsers "
                "would take this one to another site. For another site, give its full https:// address.",
                code="off_site_path",
            )
        return
    URLValidator(schemes=["http", "https"])(value)


class SocialPlatform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    TELEGRAM = "telegram", "Telegram"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    RSS = "rss", "RSS"
    OTHER = "other", "Other"


@register_setting(icon="site")
class SiteSettings(ClusterableModel, BaseSiteSetting):
    """Name, branding, menus and boxes that every public page shows."""

    site_name = models.CharField(max_length=100, default="Masthead")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey(NewsImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    footer_text = models.TextField(blank=True, help_text="Shown at the foot of every page. Plain text.")
    youtube_channel_url = models.URLField(blank=True, help_text="Leave empty to hide the YouTube box.")
    youtube_box_title = models.CharField(max_length=100, default="Join our YouTube channel")
    youtube_box_text = models.CharField(max_length=300, blank=True)
    supporter_cta_text = models.CharField(
        max_length=200,
        blank=True,
        default="Liked it? Take a second to support {site} on Patreon!",
        help_text="Shown under each article; {site} becomes the site name. Empty hides it everywhere.",
    )
    supporter_cta_url = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_menu_link],
        help_text="Where the supporter call to action links to: /donate/ for this site's donate page, or an "
        "outside page such as https://www.patreon.com/….",
    )
    allow_unsigned_articles = models.BooleanField(
        default=False,
        help_text="Let articles go out without a byline, e.g. editorials. Off: publishing needs an author.",
    )
    feeds_full_text = models.BooleanField(
        "Full text in feeds",
        default=True,
        help_text="RSS and Atom feeds carry each article's whole text. Off: the standfirst and image only, "
        "so feed readers click through to the site.",
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo")], heading="Identity"),
        MultiFieldPanel(
            [FieldPanel("supporter_cta_text"), FieldPanel("supporter_cta_url")], heading="Supporter call to action"
        ),
        MultiFieldPanel(
            [FieldPanel("youtube_channel_url"), FieldPanel("youtube_box_title"), FieldPanel("youtube_box_text")],
            heading="YouTube channel box",
        ),
        FieldPanel("allow_unsigned_articles", heading="Publishing"),
        FieldPanel("feeds_full_text", heading="Feeds"),
        FieldPanel("footer_text"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(panels, heading="Site"),
            ObjectList([InlinePanel("menu_items", label="Menu item")], heading="Navigation"),
            ObjectList([InlinePanel("social_links", label="Social link")], heading="Connect with us"),
        ]
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return self.site_name

    @property
    def supporter_cta(self) -> str:
        return self.supporter_cta_text.replace("{site}", self.site_name)


class MenuItem(Orderable):
    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="menu_items")
    label = models.CharField(max_length=50)
    link_page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    link_url = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_menu_link],
        help_text="A path such as /latest/ or a full https:// address; used when no page is chosen.",
    )

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_url")]

    def __str__(self):
        return self.label

    @property
    def url(self) -> str:
        if self.link_page_id:
            return self.link_page.url
        return self.link_url or "/"


class SocialLink(Orderable):
    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="social_links")
    platform = models.CharField(max_length=20, choices=SocialPlatform.choices)
    url = models.URLField()

    panels = [FieldPanel("platform"), FieldPanel("url")]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.url}"


class RateLimitCounter(models.Model):
    """Hits in one window of one rate limit, when the site has no Redis
    (masthead.core.ratelimit). Expired windows are deleted by a periodic job."""

    bucket = models.CharField(max_length=120)
    window_start = models.BigIntegerField()
    expires_at = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "window_start"], name="one_counter_per_window")]

    def __str__(self):
        return f"{self.bucket} @ {self.window_start}: {self.hits}"
