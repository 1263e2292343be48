"""Trending and Most read for readers: the `/trending/` page and the boxes' fragment.

Both are short-lived responses (`mark_short_lived`, as the comment counts are): the page
cache, CDNs and browsers keep them for a minute and no view count ever purges a page.
The article pages, home and sections carry only a placeholder with a plain link here;
the page's script fills it from `/trending/boxes/`, so the page's own HTML stays cached
whatever readers do.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from masthead.analytics import trending
from masthead.pagecache.public import add_query, mark_short_lived

SECTION_MODEL = "news.SectionPage"
# Wagtail's slugs: letters, digits, hyphens and underscores (Unicode letters allowed).
SLUG = re.compile(r"[-\w]{1,255}")


def _section(request):
    """The live section named by `?section=<slug>`, or None for the whole site; an
    unknown or malformed slug is a 404, never stored under a new address."""
    slug = request.GET.get("section", "")
    if not slug:
        return None
    if not SLUG.fullmatch(slug):
        raise Http404("No such section")
    section = apps.get_model(SECTION_MODEL).objects.live().filter(slug=slug).first()
    if section is None:
        raise Http404("No such section")
    add_query(request, "section", section.slug)
    return section


@require_safe
def trending_page(request):
    section = _section(request)
    lists = trending.reader_lists(section_id=section.pk if section else None)
    response = TemplateResponse(
        request,
        "analytics/trending_page.html",
        {"section": section, "lists": lists, "periods": trending.Period.CHOICES},
    )
    response.render()
    return mark_short_lived(request, response, seconds=trending.LISTS_SECONDS)


@require_safe
def boxes(request):
    section = _section(request)
    lists = trending.reader_lists(section_id=section.pk if section else None)
    response = TemplateResponse(
        request,
        "analytics/boxes.html",
        {
            "section": section,
            "trending": lists["trending"][: trending.BOX_SIZE],
            "most_read": lists[trending.Period.DAY][: trending.BOX_SIZE],
        },
    )
    response.render()
    return mark_short_lived(request, response, seconds=trending.LISTS_SECONDS)
