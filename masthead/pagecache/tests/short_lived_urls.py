"""The site's addresses plus one short-lived number, as the counts and Trending of later
features will be (test_short_lived.py)."""

import itertools

from django.http import JsonResponse
from django.urls import path

from masthead.pagecache.public import mark_short_lived
from masthead.urls import urlpatterns as site_urlpatterns

_served = itertools.count(1)


def counter(request):
    return mark_short_lived(request, JsonResponse({"served": next(_served)}), seconds=30)


urlpatterns = [path("live/counter/", counter), *site_urlpatterns]
