from datetime import datetime
from urllib.parse import quote

from django import template
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.rich_text import RichText, expand_db_html

from masthead.core.models import MenuItem, SiteSettings
from masthead.pagecache import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def site_settings(context) -> SiteSettings:
    """The site's settings with its menu and social links, loaded once per request."""
    request = context.get("request")
    cached = getattr(request, "_masthead_site_settings", None)
    if cached is not None:
        return cached
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else Site.objects.get(is_default_site=True)

    def load() -> SiteSettings:
        settings = (
            SiteSettings.objects.select_related("logo")
            .prefetch_related(
                Prefetch("menu_items", queryset=MenuItem.objects.select_related("link_page").order_by("sort_order")),
                "social_links",
            )
            .filter(site=site)
            .first()
        ) or SiteSettings(site=site)
        for item in settings.menu_items.all():
            item.resolved_url = item.url  # resolve page links once, not on every render
        return settings

    settings = fragments.cached(f"site-settings-{site.pk if site else 0}", load, request=request)
    if request is not None:
        request._masthead_site_settings = settings
    return settings


@register.simple_tag(takes_context=True)
def current_menu_path(context) -> str:
    """The request's path if the header marks it as the current page (the home page or a
    menu item), else "": the header fragment then varies by a handful of paths only."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if path == "/":
        return path
    settings = site_settings(context)
    return path if any(item.resolved_url == path for item in settings.menu_items.all()) else ""


SHARE_TARGETS = (
    ("X", "https://x.com/intent/post?url={url}&text={title}"),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("Telegram", "https://t.me/share/url?url={url}&text={title}"),
    ("WhatsApp", "https://wa.me/?text={title}%20{url}"),
    ("Email", "mailto:?subject={title}&body={url}"),
)


@register.inclusion_tag("core/includes/share.html")
def share_links(url: str, title: str):
    """Plain links to each network's share form: no third-party script on the page."""
    if not url:  # a page outside every site has no public address to share
        return {"links": []}
    quoted = {"url": quote(url, safe=""), "title": quote(title, safe="")}
    # The title names the landmark: appended articles each bring their own share links.
    return {"links": [(name, pattern.format(**quoted)) for name, pattern in SHARE_TARGETS], "title": title}


@register.filter
def join_names(names: list) -> list:
    """Separators for a byline: "A", "A and B", "A, B and C"."""
    count = len(names)
    return [(item, "" if i == count - 1 else (" and " if i == count - 2 else ", ")) for i, item in enumerate(names)]


@register.filter
def body_richtext(value: RichText) -> str:
    """A body block's rich text as Wagtail's `richtext` filter prints it, links and
    embeds expanded, without rendering Wagtail's wrapper template (which prints the HTML
    as it is) for every paragraph of every article."""
    return mark_safe(expand_db_html(value.source))  # noqa: S308 (the editor's rich text, as Wagtail prints it)


@register.simple_tag
def embed_view(url: str, embeds: dict | None):
    """The stored answer for this URL (see news.selectors.embeds_for), or a link card."""
    from masthead.core.embeds import embed_view as build

    return build(url, (embeds or {}).get(url))


@register.filter
def html_datetime(value: datetime | None) -> str:
    """A valid HTML datetime: whole seconds (HTML allows at most three digits of a
    fraction, Python's isoformat gives six), in the site's time zone."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def alt_beside(alt: str, caption: str) -> str:
    """An image's alt text next to its visible caption: empty when it would only repeat
    the caption, so a screen reader does not read the same words twice."""
    if " ".join((alt or "").split()).casefold() == " ".join((caption or "").split()).casefold():
        return ""
    return alt


@register.simple_tag
def site_origin() -> str:
    """The site's own scheme and host (SITE_URL): for canonical and Open Graph addresses,
    which must not echo whatever Host a request came with into a cached page."""
    from django.conf import settings

    return settings.SITE_URL.rstrip("/")
