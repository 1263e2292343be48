from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from masthead.ads.models import AdCreative
from masthead.ads.signals import ad_clicked


@require_safe
def creative_click(request, pk: int):
    """Send the reader to the advertiser; the analytics issue counts the click here."""
    creative = get_object_or_404(AdCreative.objects.exclude(link_url=""), pk=pk)
    ad_clicked.send(sender=AdCreative, creative_id=creative.pk)
    return redirect(creative.link_url)
