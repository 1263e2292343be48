from django import template
from django.utils.safestring import mark_safe

from masthead.ads.models import sanitize_creative_html
from masthead.ads.selectors import creatives_by_placement
from masthead.pagecache import fragments

register = template.Library()


def _creatives(context) -> dict:
    """Chosen once per request however many slots the page has."""
    request = context.get("request")
    if request is None:
        return creatives_by_placement()
    if not hasattr(request, "_masthead_ads"):
        # Until the next purge: a creative that starts or ends on schedule purges too
        # (masthead.ads.schedule, run by the worker every 30 seconds).
        request._masthead_ads = fragments.cached("ads", creatives_by_placement, request=request)
    return request._masthead_ads


@register.filter
def creative_html(html: str) -> str:
    """Cleaned again on the way out: rows written around save() (bulk loads, imports,
    migrations) must not reach readers unsanitised."""
    return mark_safe(sanitize_creative_html(html))  # noqa: S308 (nh3 has just cleaned it)


# Slots that appear once a page are landmarks, each named apart so a screen reader's list
# of landmarks tells them from each other and from the site's own. Slots that repeat (in
# every appended article, every few cards) would give several landmarks one name, so
# their visible "Advertisement" label introduces them instead.
LANDMARK_NAMES = {"header": "Advertisement: top of page", "sidebar": "Advertisement: sidebar"}


@register.inclusion_tag("ads/slot.html", takes_context=True)
def ad_slot(context, placement: str):
    creative = _creatives(context).get(placement)
    return {
        "creative": creative,
        "placement": placement,
        "landmark_name": LANDMARK_NAMES.get(placement, ""),
        "image_sizes": image_sizes(creative.slot.size) if creative else "",
    }


def image_sizes(slot_size: str) -> str:
    """The sizes attribute of a slot's picture: its box's width, or the screen's less the
    page margins where the screen is narrower (the stylesheet scales the box down)."""
    width = int(slot_size.partition("x")[0])
    return f"(min-width: {width + 32}px) {width}px, calc(100vw - 2rem)"


@register.simple_tag(takes_context=True)
def ad_every(context, placement: str) -> int:
    """How many stream items go between two ads, or 0 when the slot is empty."""
    creative = _creatives(context).get(placement)
    return creative.slot.every_n_articles if creative else 0


@register.simple_tag(takes_context=True)
def in_article_ad_position(context, body) -> int:
    """The block after which the in-article ad goes: the slot's Nth paragraph, counting
    paragraphs only (headings, images and quotes in between do not count). 0: no ad."""
    creative = _creatives(context).get("in_article")
    if creative is None:
        return 0
    paragraphs = 0
    blocks = list(body)
    for position, block in enumerate(blocks, start=1):
        if block.block_type == "paragraph":
            paragraphs += 1
            if paragraphs == creative.slot.after_paragraph:
                return position if position < len(blocks) else 0
    return 0
