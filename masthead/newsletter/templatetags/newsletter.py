from django import template

register = template.Library()


@register.inclusion_tag("newsletter/includes/box.html", takes_context=True)
def newsletter_box(context, placement: str = "sidebar"):
    """The signup box of cached pages (decision 0010): the settings' title and text, a
    link to /newsletter/ and the placeholder the script fills with the form. No token,
    no list: neither varies by reader, and a list's change purges nothing."""
    from masthead.newsletter.models import NewsletterSettings

    request = context.get("request")
    if request is None:
        return {"shown": False}
    settings = NewsletterSettings.for_request(request)
    return {"shown": settings.signup_enabled, "box": settings, "placement": placement}
