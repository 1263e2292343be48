from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def payment_provider_status() -> str:
    """Whether payments can be taken, in words: never a credential."""
    if not settings.DONATIONS_ENABLED:
        return "Not configured: set PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID. Donations are off."
    if settings.PAYPAL_SANDBOX_LOCAL:
        return "Masthead's local PayPal sandbox: demo payments, no money moves."
    return f"PayPal configured ({settings.PAYPAL_API_BASE})."


@register.simple_tag
def payments_are_demo() -> bool:
    return bool(settings.PAYPAL_SANDBOX_LOCAL)


@register.filter
def plain_amount(value) -> str:
    """25 for Decimal("25.00"), 12.5 for 12.50: what a number field and a button show."""
    return f"{value.normalize():f}"


@register.inclusion_tag("donations/includes/box.html", takes_context=True)
def donate_box(context, placement: str = "sidebar"):
    """The sidebar's or the home rail's donate box (cached with the page: no token)."""
    from wagtail.models import Site

    from masthead.donations.models import format_money
    from masthead.donations.selectors import site_donations

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None or not settings.DONATIONS_ENABLED:
        return {"shown": False}
    donations = site_donations(site, request=request)
    site_settings, rules = donations.settings, donations.rules
    if not site_settings.enabled:
        return {"shown": False}
    rule = rules[donations.first_currency]
    return {
        "shown": True,
        "placement": placement,
        "box": site_settings,
        "rule": rule,
        "rules": list(rules.values()),
        "quick_label": format_money(site_settings.quick_amount, site_settings.quick_currency),
        "has_goal": bool(site_settings.goal_amount),
        "demo_payments": settings.PAYPAL_SANDBOX_LOCAL,
    }
