"""RSS 2.0 and Atom feeds: the whole site, each section, each author and each tag.

Built on Django's syndication framework (its generators escape and format dates as the
two specifications ask); what Masthead adds is what a news site's feed needs:

- GUIDs that never change: `urn:uuid:` of the page's Wagtail translation key, so a new
  slug, section or domain does not make feed readers show a story twice;
- the standfirst as the summary, and the whole text as `content:encoded` (RSS) or
  `<content>` (Atom) when the site setting asks for full text, with every address in it
  made absolute (a feed reader has no page to resolve `/media/…` against);
- the featured image as an enclosure (the card's rendition: made already, small);
- authors as `dc:creator` (RSS, which wants an e-mail in `<author>`) and `<author>`;
- the page cache's keys, so a publish purges the feeds that list the story, like any
  listing (docs/architecture.md, "Invalidation rules").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from masthead.core.templatetags.masthead import site_settings
from masthead.news import selectors
from masthead.news.models import ArticlePage, Author, SectionPage
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.public import add_keys, keys_for_articles, mark_public

FEED_SIZE = 20
ENCLOSURE_RENDITION = selectors.CARD_RENDITIONS[0]
# XML 1.0 forbids these even escaped; an imported title can carry one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Root-relative addresses in our own rendered body: src, href, poster and srcset entries.
_ROOT_RELATIVE = re.compile(r'((?:src|href|poster)=")/(?!/)|((?:srcset)="[^"]*)')


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def absolute_addresses(html: str, origin: str) -> str:
    """`/media/x.webp` → `https://site/media/x.webp` in src, href, poster and srcset."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return f"{match.group(1)}{origin}/"
        return re.sub(r'(^srcset="|,\s*)/(?!/)', lambda m: f"{m.group(1)}{origin}/", match.group(2))

    return _ROOT_RELATIVE.sub(replace, html)


class _FullTextRss(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class _FullTextAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


@dataclass
class Listing:
    """What one feed lists, read once per request (feeds are called attribute by
    attribute, and share one instance between threads: nothing is kept on `self`)."""

    title: str
    link: str
    description: str
    feed_path: str
    full_text: bool
    site_name: str
    request: object
    articles: list = field(default_factory=list)
    embeds: dict = field(default_factory=dict)  # stored oEmbed answers of the bodies, by URL


def _origin() -> str:
    return settings.SITE_URL.rstrip("/")


def _listing(request, *, title: str, link: str, description: str, list_key: str, **filters) -> Listing:
    site = site_settings({"request": request})
    stream = selectors.article_stream(page_size=FEED_SIZE, **filters)
    prefetch_related_objects(stream.articles, "tags")  # the items' categories
    full_text = site.feeds_full_text
    add_keys(request, {list_key, *keys_for_articles(stream.articles)})
    # Items name their tags as categories: a renamed tag changes the feed.
    add_keys(request, {cache_keys.tag(tag.pk) for article in stream.articles for tag in article.tags.all()})
    if full_text:  # the body is in the feed: an edit of it changes the feed
        add_keys(request, {cache_keys.article(article.pk) for article in stream.articles})
    return Listing(
        title=xml_safe(title),
        link=_origin() + link,
        description=xml_safe(description) or xml_safe(site.site_name),
        feed_path=request.path,
        full_text=full_text,
        site_name=site.site_name,
        request=request,
        articles=stream.articles,
        embeds=selectors.embeds_for_articles(stream.articles) if full_text else {},
    )


class _ArticleFeed(Feed):
    """The common part: a subclass says which listing (`get_object`)."""

    feed_type = _FullTextRss

    def __call__(self, request, *args, **kwargs):
        return mark_public(request, super().__call__(request, *args, **kwargs))

    def title(self, listing: Listing) -> str:
        return listing.title

    def link(self, listing: Listing) -> str:
        return listing.link

    def feed_url(self, listing: Listing) -> str:
        return _origin() + listing.feed_path

    def description(self, listing: Listing) -> str:
        return listing.description

    def subtitle(self, listing: Listing) -> str:
        return listing.description

    def author_name(self, listing: Listing) -> str:
        return xml_safe(listing.site_name)  # Atom wants an author for entries without a byline

    def items(self, listing: Listing) -> list[ArticlePage]:
        for article in listing.articles:
            article._feed_listing = listing
        return listing.articles

    def item_title(self, article: ArticlePage) -> str:
        return xml_safe(article.title)

    def item_link(self, article: ArticlePage) -> str:
        return _origin() + article.url

    def item_guid(self, article: ArticlePage) -> str:
        return f"urn:uuid:{article.translation_key}"

    def item_guid_is_permalink(self, article: ArticlePage) -> bool:
        return False

    def item_description(self, article: ArticlePage) -> str:
        # Readers treat the summary as HTML (Atom says type="html"); the standfirst is
        # plain text, so "a < b" must arrive as text.
        return escape(xml_safe(article.standfirst) or xml_safe(article.title))

    def item_pubdate(self, article: ArticlePage):
        return article.published_at

    def item_updateddate(self, article: ArticlePage):
        return article.updated_at if article.is_updated and article.updated_at else article.published_at

    def item_author_name(self, article: ArticlePage) -> str | None:
        names = [xml_safe(link.author.name) for link in article.article_authors.all()]
        if not names and article.original_author:
            names = [xml_safe(article.original_author)]
        return ", ".join(names) or None

    def item_author_link(self, article: ArticlePage) -> str | None:
        links = list(article.article_authors.all())
        return _origin() + links[0].author.get_absolute_url() if len(links) == 1 else None

    def item_categories(self, article: ArticlePage) -> list[str]:
        section = [article.primary_section.title] if article.primary_section_id else []
        return [xml_safe(name) for name in section + [tag.name for tag in article.tags.all()]]

    def item_enclosure_url(self, article: ArticlePage) -> str | None:
        rendition = self._enclosure(article)
        return _origin() + rendition.url if rendition else None

    def item_enclosure_length(self, article: ArticlePage) -> int | None:
        rendition = self._enclosure(article)
        return rendition.file.size if rendition else None

    def item_enclosure_mime_type(self, article: ArticlePage) -> str | None:
        return "image/webp" if self._enclosure(article) else None

    def _enclosure(self, article: ArticlePage):
        if not article.featured_image_id:
            return None
        cached = getattr(article, "_feed_enclosure", None)
        if cached is None:
            try:
                cached = article.featured_image.get_rendition(ENCLOSURE_RENDITION)
                cached.file.size  # noqa: B018 — an image whose file is gone has no enclosure
            except (OSError, ValueError):
                cached = False
            article._feed_enclosure = cached
        return cached or None

    def item_extra_kwargs(self, article: ArticlePage) -> dict:
        listing: Listing = article._feed_listing
        if not listing.full_text:
            return {}
        context = {"request": listing.request, "page": article, "embeds": listing.embeds}
        body = "".join(str(block.render_as_block(context)) for block in article.body)
        return {"content_html": xml_safe(absolute_addresses(body, _origin()))}

    def get_object(self, request, *args, **kwargs) -> Listing:
        raise NotImplementedError


class SiteFeed(_ArticleFeed):
    def get_object(self, request) -> Listing:
        site = site_settings({"request": request})
        return _listing(
            request,
            title=site.site_name,
            link="/latest/",
            description=site.tagline,
            list_key=cache_keys.LATEST,
        )


def section_with_feed(slug: str) -> SectionPage | None:
    """The public section whose feed `/<slug>/feed/` is, or None: that address is then
    Wagtail's (no such section, or a page of the section is itself called "feed")."""
    page = SectionPage.objects.live().filter(slug=slug, depth=3).first()
    if page is None or not page.has_own_feed() or page.get_children().live().filter(slug="feed").exists():
        return None
    return page


class SectionFeed(_ArticleFeed):
    """Called by views.section_feed with the section it found (section_with_feed)."""

    def get_object(self, request, section: SectionPage) -> Listing:
        page = section
        site = site_settings({"request": request})
        add_keys(request, {cache_keys.page(page.pk)})
        return _listing(
            request,
            title=f"{site.site_name} — {page.title}",
            link=page.url,
            description=page.description,
            list_key=cache_keys.section_listing(page.pk),
            section=page,
        )


class AuthorFeed(_ArticleFeed):
    def get_object(self, request, slug: str) -> Listing:
        author = get_object_or_404(Author, slug=slug)
        site = site_settings({"request": request})
        add_keys(request, {cache_keys.author(author.pk)})
        return _listing(
            request,
            title=f"{site.site_name} — {author.name}",
            link=author.get_absolute_url(),
            description=author.bio or f"Stories by {author.name}",
            list_key=cache_keys.author_listing(author.pk),
            author=author,
        )


class TagFeed(_ArticleFeed):
    def get_object(self, request, slug: str) -> Listing:
        tag = get_object_or_404(Tag, slug=slug)
        site = site_settings({"request": request})
        add_keys(request, {cache_keys.tag(tag.pk)})
        return _listing(
            request,
            title=f"{site.site_name} — {tag.name}",
            link=reverse("news:tag", args=[tag.slug]),
            description=f"Stories tagged “{tag.name}”",
            list_key=cache_keys.tag_listing(tag.slug),
            tag_slug=tag.slug,
        )


def atom(feed_class: type[_ArticleFeed]) -> type[_ArticleFeed]:
    """The same feed as Atom 1.0."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": _FullTextAtom})
