from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from masthead.ads.models import AdCreative
from masthead.ads.signals import ad_clicked


@require_GET
def creative_click(request, pk: int):
    """Send the reader to the advertiser; the analytics issue counts the click here.

    Only a running creative counts; an ended one still forwards the reader."""
    creative = get_object_or_404(AdCreative.objects.exclude(link_url=""), pk=pk)
    if not AdCreative.objects.running(timezone.now()).filter(pk=pk).exists():
        return redirect(creative.link_url)
    ad_clicked.send(sender=AdCreative, creative_id=creative.pk)
    return redirect(creative.link_url)
