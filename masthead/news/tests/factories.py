"""Builders for news content in tests: real pages in a real Wagtail tree."""

from __future__ import annotations

import io
import itertools
import json
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image
from wagtail.models import Collection, Locale, Page, Site

from masthead.ads.models import AdSlot
from masthead.core.models import MenuItem, NewsImage, SiteSettings
from masthead.news.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage, SimplePage, Source

_sequence = itertools.count(1)
DEFAULT_SLOTS = [
    ("header", "970x90"),
    ("sidebar", "300x250"),
    ("in_article", "300x250"),
    ("between_articles", "728x90"),
]


class SiteTree:
    def __init__(self, home: HomePage, sections: dict[str, SectionPage], site: Site):
        self.home = home
        self.sections = sections
        self.site = site


def ensure_wagtail_roots() -> Page:
    """Transactional tests flush the rows Wagtail's migrations made; put them back."""
    Locale.objects.get_or_create(language_code="en")
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
    for placement, size in DEFAULT_SLOTS:
        AdSlot.objects.get_or_create(placement=placement, defaults={"size": size})
    return root


def build_site(section_slugs=("news", "analysis")) -> SiteTree:
    root = ensure_wagtail_roots()
    for child in root.get_children():
        child.delete()
    home = HomePage(title="Test Ledger", slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    site = Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Test Ledger"
    )
    sections = {}
    for slug in section_slugs:
        section = SectionPage(title=slug.title(), slug=slug)
        home.add_child(instance=section)
        section.save_revision().publish()
        sections[slug] = section
    settings = SiteSettings.objects.create(
        site=site, site_name="Test Ledger", supporter_cta_url="https://www.patreon.com/testledger"
    )
    MenuItem.objects.create(settings=settings, sort_order=0, label="Latest", link_url="/latest/")
    for order, section in enumerate(sections.values(), start=1):
        MenuItem.objects.create(settings=settings, sort_order=order, label=section.title, link_page=section)
    return SiteTree(home, sections, site)


class BaseSite:
    """The site most tests start from (`build_site()`'s), built once per test run instead
    of once per test: building it publishes three pages, a third of a small test's time.

    Each test's transaction rolls back to it. Transactional tests empty the database
    when they end, and a module fixture may have replaced it: `fetch()` then answers
    None and the test builds its own, as before."""

    def __init__(self):
        self.home_id: int | None = None
        self.section_ids: dict[str, int] = {}
        self.site_id: int | None = None

    def build(self) -> None:
        tree = build_site()
        self.home_id, self.site_id = tree.home.pk, tree.site.pk
        self.section_ids = {slug: section.pk for slug, section in tree.sections.items()}

    def drop(self) -> None:
        """Remove it, for a module fixture that needs the empty site Wagtail installs."""
        root = ensure_wagtail_roots()
        for child in root.get_children():
            child.delete()
        Site.objects.all().delete()
        self.home_id = None

    def fetch(self) -> SiteTree | None:
        """The base site as it is in the database, or None where it is not intact."""
        if self.home_id is None:
            return None
        site = Site.objects.filter(pk=self.site_id, root_page_id=self.home_id, is_default_site=True).first()
        home = HomePage.objects.filter(pk=self.home_id).first()
        sections = SectionPage.objects.in_bulk(self.section_ids.values())
        if site is None or home is None or len(sections) != len(self.section_ids):
            return None
        return SiteTree(home, {slug: sections[pk] for slug, pk in self.section_ids.items()}, site)


base_site = BaseSite()


def make_image(title: str = "", *, credit: str = "") -> NewsImage:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (40, 90, 160)).save(buffer, "JPEG")
    image = NewsImage(title=title or f"Image {next(_sequence)}", credit=credit)
    image.file = ImageFile(buffer, name=f"image-{next(_sequence)}.jpg")
    image.save()
    return image


def make_simple_page(parent, *, title: str = "About us", slug: str = "", body=None, publish: bool = True):
    page = SimplePage(
        title=title,
        slug=slug or slugify(title),
        standfirst="Who we are and how we work.",
        body=body if body is not None else paragraphs(2),
        live=publish,
    )
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_author(name: str = "") -> Author:
    return Author.objects.create(name=name or f"Writer {next(_sequence)}")


def paragraphs(count: int, words: int = 60) -> list[dict]:
    sentence = "Reporters checked the figures against the ministry's own records before publishing them."
    text = " ".join([sentence] * max(1, words // len(sentence.split())))
    return [{"type": "paragraph", "value": f"<p>{text} <b>Bold</b> and <i>italic</i>.</p>"} for _ in range(count)]


def make_article(
    section: SectionPage,
    *,
    title: str = "",
    authors: list[Author] = (),
    tags: list[str] = (),
    hours_ago: float = 1,
    body: list[dict] | None = None,
    image: NewsImage | None = None,
    publish: bool = True,
    **fields,
) -> ArticlePage:
    number = next(_sequence)
    article = ArticlePage(
        title=title or f"Article number {number}",
        slug=f"article-{number}",
        standfirst=fields.pop("standfirst", "A short standfirst that tells the reader what happened."),
        body=json.dumps(body if body is not None else paragraphs(5)),
        published_at=fields.pop("published_at", timezone.now() - timedelta(hours=hours_ago)),
        featured_image=image,
        live=publish,
        **fields,
    )
    for order, author in enumerate(authors):
        article.article_authors.add(ArticleAuthor(author=author, sort_order=order))
    if tags:
        article.tags.set(list(tags))
    section.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()
        article.refresh_from_db()
    return article


def make_source(name: str = "", **fields) -> Source:
    return Source.objects.create(name=name or f"Source {next(_sequence)}", **fields)
