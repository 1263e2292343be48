"""Structured data for search engines and news aggregators: schema.org as JSON-LD.

- Article pages: `NewsArticle` with the properties Google's article rich results ask for
  (headline, image in three shapes of at least 1,200 pixels wide, datePublished,
  dateModified, author as Person with its page, publisher as NewsMediaOrganization with
  its logo) and what news readers use besides (description, mainEntityOfPage,
  articleSection, keywords, wordCount, isBasedOn for a syndicated piece), and a
  `BreadcrumbList` of home, section, article.
- The home page: the publisher (`NewsMediaOrganization`, with its social profiles) and
  the `WebSite` with a `SearchAction` (the search page).

Built as dictionaries here; `{% json_ld %}` writes them into a
`<script type="application/ld+json">`, a data block that browsers never run, so the
Content-Security-Policy that forbids inline script does not apply to it (decision 0018).
"""

from __future__ import annotations

import json

from django.conf import settings

from masthead.core.templatetags.masthead import html_datetime

CONTEXT = "https://schema.org"
# Google asks for images in 16:9, 4:3 and 1:1, each at least 50,000 pixels, and shows
# them best at 1,200 pixels wide or more.
ARTICLE_IMAGE_RENDITIONS = ("fill-1200x675-c80", "fill-1200x900-c80", "fill-1200x1200-c80")
LOGO_RENDITION = "max-600x60"
# In a <script> element only "</" (and "<!--") can end or change it: escape every "<",
# ">" and "&" as JSON allows, as Django's json_script does.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def origin() -> str:
    return settings.SITE_URL.rstrip("/")


def to_script_text(data: dict | list) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


def publisher(site) -> dict:
    """The site's publisher: a news organisation, with its logo when the site has one."""
    found = {
        "@type": "NewsMediaOrganization",
        "@id": origin() + "/#publisher",
        "name": site.site_name,
        "url": origin() + "/",
    }
    if site.logo_id:
        logo = site.logo.get_rendition(LOGO_RENDITION)
        found["logo"] = {"@type": "ImageObject", "url": origin() + logo.url, "width": logo.width, "height": logo.height}
    return found


def news_article(*, article, page_url: str, site, authors, tags) -> dict:
    modified = article.updated_at if article.is_updated and article.updated_at else article.last_published_at
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst or article.search_description or "",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "url": page_url,
        # A draft in preview has no dates yet: html_datetime(None) is "".
        "datePublished": html_datetime(article.published_at),
        "dateModified": html_datetime(max(filter(None, [modified, article.published_at]), default=None)),
        "author": [
            {"@type": "Person", "name": link.author.name, "url": origin() + link.author.get_absolute_url()}
            for link in authors
        ],
        "publisher": publisher(site),
        "isAccessibleForFree": True,
        "inLanguage": settings.LANGUAGE_CODE,
    }
    for name in ("datePublished", "dateModified"):
        if not data[name]:
            del data[name]  # a draft in preview
    if not data["author"]:
        # An unsigned piece (an editorial) or a syndicated one: the credit is who wrote it.
        data["author"] = (
            [{"@type": "Person", "name": article.original_author}]
            if article.original_author
            else [{"@type": "Organization", "name": site.site_name, "url": origin() + "/"}]
        )
    if article.featured_image_id:
        data["image"] = [origin() + article.featured_image.get_rendition(spec).url for spec in ARTICLE_IMAGE_RENDITIONS]
    if article.primary_section_id:
        data["articleSection"] = article.primary_section.title
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if article.word_count:
        data["wordCount"] = article.word_count
    if article.original_url:
        data["isBasedOn"] = article.original_url
    elif article.source_id and article.source.url:
        data["isBasedOn"] = {"@type": "NewsMediaOrganization", "name": article.source.name, "url": article.source.url}
    return data


def breadcrumbs(*, site, article, page_url: str) -> dict:
    trail = [(site.site_name, origin() + "/")]
    if article.primary_section_id:
        section = article.primary_section
        trail.append((section.title, origin() + section.url))
    trail.append((article.title, page_url))
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def home(*, site) -> list[dict]:
    organisation = {"@context": CONTEXT, **publisher(site)}
    profiles = [link.url for link in site.social_links.all() if link.url.startswith(("http://", "https://"))]
    profiles = [url for url in profiles if not url.startswith(origin())]  # our own feed is not a profile
    if profiles:
        organisation["sameAs"] = profiles
    website = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": origin() + "/#website",
        "name": site.site_name,
        "url": origin() + "/",
        "publisher": {"@id": origin() + "/#publisher"},
        # The site's search box, for search engines that offer it under the result.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": origin() + "/search/?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }
    if site.tagline:
        website["description"] = site.tagline
    return [organisation, website]
