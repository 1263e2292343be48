from django import template

from masthead.ads.selectors import creatives_by_placement

register = template.Library()


def _creatives(context) -> dict:
    """Chosen once per request however many slots the page has."""
    request = context.get("request")
    if request is None:
        return creatives_by_placement()
    if not hasattr(request, "_masthead_ads"):
        request._masthead_ads = creatives_by_placement()
    return request._masthead_ads


@register.inclusion_tag("ads/slot.html", takes_context=True)
def ad_slot(context, placement: str):
    return {"creative": _creatives(context).get(placement), "placement": placement}


@register.simple_tag(takes_context=True)
def ad_every(context, placement: str) -> int:
    """How many stream items go between two ads, or 0 when the slot is empty."""
    creative = _creatives(context).get(placement)
    return creative.slot.every_n_articles if creative else 0


@register.simple_tag(takes_context=True)
def ad_after_paragraph(context, placement: str = "in_article") -> int:
    creative = _creatives(context).get(placement)
    return creative.slot.after_paragraph if creative else 0
