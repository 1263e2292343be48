"""robots.txt, the sitemap index, a sitemap per month of articles, one of listing pages,
and the Google News sitemap of the last 48 hours.

Why not Wagtail's or Django's sitemap framework: docs/decisions/0017. In short, at
100,000 articles the index must come from one grouped query, and a month's file from one
query of two columns, with addresses made from `url_path` rather than a page object each.
Every response is a public page of the page cache, named by keys a publish purges
(`keys.sitemap_month`, `keys.LATEST`), so a crawler's request is a file read.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_safe

from masthead.core.templatetags.masthead import site_settings
from masthead.news import selectors
from masthead.news.feeds import xml_safe
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.public import add_keys, mark_public
from masthead.pagecache.wsgi import SECONDS_HEADER

# The sitemap protocol's limit per file (sitemaps.org); Google's is the same.
URLS_PER_FILE = 50_000
# Google News reads articles of the last two days, at most 1,000 a file.
# More parts than a month could ever need (50,000 articles each): a larger number asked
# for is a made-up address, answered 404 before it reaches the database.
MAX_PARTS = 100
NEWS_HOURS = 48
NEWS_LIMIT = 1_000
XML_TYPE = "application/xml; charset=utf-8"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

# Addresses that are actions or pieces of pages, not documents to index.
ROBOTS_DISALLOW = ("/admin/", "/analytics/", "/ads/", "/comments/", "/donations/", "/fragments/", "/newsletter/")


def _origin() -> str:
    return settings.SITE_URL.rstrip("/")


def _w3c(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00") if moment else ""


def _xml(request, body: str) -> HttpResponse:
    return mark_public(request, HttpResponse(body, content_type=XML_TYPE))


def month_path(year: int, month: int, part: int = 1) -> str:
    suffix = f"-{part}" if part > 1 else ""
    return f"/sitemaps/articles-{year:04d}-{month:02d}{suffix}.xml"


@require_safe
def robots_txt(request):
    origin = _origin()
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines += [f"Sitemap: {origin}/sitemap.xml", f"Sitemap: {origin}/sitemap-news.xml", ""]
    return mark_public(request, HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"))


@require_safe
def sitemap_index(request):
    """One entry for the listing pages, then one per month of articles (newest first),
    split in parts of URLS_PER_FILE; `lastmod` is the month's latest publish."""
    add_keys(request, {cache_keys.LATEST, cache_keys.SITEMAP_PAGES})
    origin = _origin()
    entries = [f"<sitemap><loc>{origin}/sitemaps/pages.xml</loc></sitemap>"]
    for month in selectors.sitemap_months():
        lastmod = _w3c(month.lastmod)
        for part in range(1, math.ceil(month.count / URLS_PER_FILE) + 1):
            loc = origin + month_path(month.start.year, month.start.month, part)
            entries.append(f"<sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>")
    body = f'{HEADER}<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(entries) + "\n</sitemapindex>\n"
    return _xml(request, body)


@require_safe
def month_sitemap(request, year: int, month: int, part: int = 1):
    if not (1 <= month <= 12 and 1 <= year <= 9998 and 1 <= part <= MAX_PARTS):
        raise Http404("No such month")
    add_keys(request, {cache_keys.sitemap_month(year, month)})
    rows = selectors.sitemap_articles_in_month(year, month, offset=(part - 1) * URLS_PER_FILE, limit=URLS_PER_FILE)
    if not rows and part > 1:
        raise Http404("No such part")
    origin = _origin()
    entries = [
        f"<url><loc>{escape(origin + path)}</loc>{f'<lastmod>{_w3c(lastmod)}</lastmod>' if lastmod else ''}</url>"
        for path, lastmod in rows
    ]
    body = f'{HEADER}<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(entries) + "\n</urlset>\n"
    return _xml(request, body)


@require_safe
def pages_sitemap(request):
    """The home page, sections, Latest, Staff Picks, authors and tags with live articles."""
    add_keys(request, {cache_keys.SITEMAP_PAGES, cache_keys.HOME})
    origin = _origin()
    entries = [f"<url><loc>{escape(origin + path)}</loc></url>" for path in selectors.sitemap_listing_paths()]
    body = f'{HEADER}<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(entries) + "\n</urlset>\n"
    return _xml(request, body)


@require_safe
def news_sitemap(request):
    """Google News: articles of the last NEWS_HOURS with publication name, language and
    title. Purged by every publish, and kept no longer than until its oldest article
    ages out of the window."""
    now = timezone.now()
    add_keys(request, {cache_keys.LATEST})
    site = site_settings({"request": request})
    name = escape(xml_safe(site.site_name))
    language = escape(settings.LANGUAGE_CODE.split("-")[0])
    origin = _origin()
    rows = selectors.sitemap_recent_articles(since=now - timedelta(hours=NEWS_HOURS), limit=NEWS_LIMIT)
    entries = [
        f"<url><loc>{escape(origin + path)}</loc><news:news><news:publication><news:name>{name}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{_w3c(published_at)}</news:publication_date>"
        f"<news:title>{escape(xml_safe(title))}</news:title></news:news></url>"
        for path, title, published_at in rows
    ]
    body = f'{HEADER}<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n' + "\n".join(entries) + "\n</urlset>\n"
    response = _xml(request, body)
    if response.status_code == 200:
        oldest = min((published_at for _, _, published_at in rows), default=now)
        ages_out = oldest + timedelta(hours=NEWS_HOURS) - now
        seconds = max(60, min(3600, int(ages_out.total_seconds()) + 1))
        response[SECONDS_HEADER] = str(seconds)
        response["Cache-Control"] = f"public, max-age=0, s-maxage={min(seconds, 60)}"
    return response
