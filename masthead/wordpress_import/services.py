"""Importing a WordPress export: authors, categories as sections, tags, and posts as
articles with their bodies, bylines, dates, states and a permanent redirect from every
old address. Each object is keyed on its WordPress id (ImportedObject), so importing a
fresh export of the same site again updates what came before instead of adding copies.

Each post is imported in its own transaction: an export that stops half-way (a crash,
Ctrl-C) leaves whole articles, and running the import again finishes the rest.

Pages become simple pages under the home page, nested as in WordPress. Comments come
along threaded (comments.py). Image attachments go into the media library when their files can be had
(media.py), and bodies and featured images use them; without, an image stays a link. A
view count kept in the post's meta becomes the article's starting count.
"""

from __future__ import annotations

import datetime
import html
import io
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from masthead.analytics import services as analytics_services
from masthead.core.models import NewsImage
from masthead.news.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage, SimplePage
from masthead.wordpress_import import bodies, comments, media, stream, survey, wxr
from masthead.wordpress_import.models import ImportedObject

MAX_TITLE = 255
MAX_STANDFIRST = 400
MAX_SLUG = 80
FALLBACK_SECTION = ("archive", "Archive")  # for posts in no category at all
NO_MEDIA_SOURCE = "image attachments: no --media-dir or --media-base-url given (images stay links)"


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < survey.MAX_WARNINGS_SHOWN:
            self.warnings.append(message)

    def __str__(self) -> str:
        lines = []
        for kind in sorted(set(self.created) | set(self.updated)):
            if not (self.created[kind] or self.updated[kind]):
                continue
            lines.append(f"  {kind}: {self.created[kind]} created, {self.updated[kind]} updated")
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"  skipped: {count} ({reason})")
        lines.append(f"  warnings: {self.warning_count}")
        lines.extend(f"    - {warning}" for warning in self.warnings)
        if self.warning_count > len(self.warnings):
            lines.append(f"    … and {self.warning_count - len(self.warnings)} more")
        return "\n".join(lines) + "\n"


class Importer:
    """Two passes over the export: attachments first (`attachments`), so a post finds its
    images whatever the order WordPress wrote them in, then everything else (`run`)."""

    def __init__(
        self,
        *,
        keep_pingbacks: bool = False,
        media_source: media.MediaSource | None = None,
        overwrite_edits: bool = False,
    ):
        self.keep_pingbacks = keep_pingbacks
        self.overwrite_edits = overwrite_edits
        self.media = media_source or media.MediaSource()
        self.images: dict[int, int] = {}  # attachment id → library image id
        self.images_by_address: dict[str, int] = {}  # media.address_keys → library image id
        self.attached: dict[int, list[int]] = {}  # post id → its attachments, for [gallery] without ids
        self.attachment_urls: dict[int, str] = {}  # where an image not in the library stays a link to
        self.tags_in_export: set[str] = set()
        self.tags_used: set[str] = set()  # names, as Masthead's tags are made
        self.tag_slugs_used: set[str] = set()  # WordPress's slugs, as the export lists its tags
        self.pages_waiting_for_parent: dict[int, int] = {}  # page id → its parent page's, imported later
        self.report = ImportReport()
        self.site: wxr.Site | None = None
        self.source = ""
        self.home = _home()
        self.authors: dict[str, Author] = {}
        self.categories: dict[str, wxr.Term] = {}
        self.sections: dict[str, SectionPage] = {}

    def _site(self, record: wxr.Site) -> None:
        self.site = record
        self.source = (record.base_blog_url or record.link or "wordpress").rstrip("/")[:255]

    def attachments(self, records) -> None:
        for record in records:
            if isinstance(record, wxr.Site):
                self._site(record)
            elif isinstance(record, wxr.Item) and record.post_type == "attachment" and record.wordpress_id:
                self._attachment(record)

    def run(self, records) -> ImportReport:
        tags_before = Tag.objects.count()
        for record in records:
            if isinstance(record, wxr.Site):
                self._site(record)
            elif isinstance(record, wxr.Author):
                self._author(record)
            elif isinstance(record, wxr.Term):
                if record.kind == "category":
                    self.categories[record.slug] = record
                elif record.kind == "post_tag":
                    self.tags_in_export.add(record.slug)
            elif isinstance(record, wxr.Item):
                self._item(record)
        # Every category and tag accounted for: made on first use, so unused ones are told.
        unused = [slug for slug in self.categories if slug not in self.sections and slug != FALLBACK_SECTION[0]]
        if unused:
            self.report.skipped["categories on no post (no section made)"] += len(unused)
        made = Tag.objects.count() - tags_before
        self.report.created["tags"] += made
        self.report.updated["tags"] += len(self.tags_used) - made
        if unused_tags := self.tags_in_export - self.tag_slugs_used:
            self.report.skipped["tags on no post"] += len(unused_tags)
        return self.report

    # Authors ---------------------------------------------------------------------------

    def _author(self, record: wxr.Author) -> Author:
        name = (record.display_name or f"{record.first_name} {record.last_name}".strip() or record.login or "Staff")[
            :120
        ]
        existing = _mapped(self.source, ImportedObject.Kind.AUTHOR, record.login)
        with transaction.atomic():
            if isinstance(existing, Author):
                author = existing
                author.name = name
                author.save(update_fields=["name"])
                self.report.updated["authors"] += 1
            else:
                author = Author.objects.create(name=name)
                _remember(self.source, ImportedObject.Kind.AUTHOR, record.login, author)
                self.report.created["authors"] += 1
        self.authors[record.login] = author
        return author

    # Media -----------------------------------------------------------------------------

    def _attachment(self, item: wxr.Item) -> None:
        if not survey.is_image(item.attachment_url):
            self.report.skipped["attachments that are not images (audio, video, documents)"] += 1
            return
        if item.parent_id:
            self.attached.setdefault(item.parent_id, []).append(item.wordpress_id)
        self.attachment_urls[item.wordpress_id] = item.attachment_url
        existing = _mapped(self.source, ImportedObject.Kind.ATTACHMENT, str(item.wordpress_id))
        image = existing if isinstance(existing, NewsImage) else None
        if self.media:
            relative = media.relative_path(item)
            try:
                data = self.media.read(relative) if relative else None
                if data is None:
                    raise media.MediaMissing(f"attachment {item.wordpress_id} names no file")
                with transaction.atomic():
                    saved = media.save_image(item, data, existing=image)
                    _remember(self.source, ImportedObject.Kind.ATTACHMENT, str(item.wordpress_id), saved)
            except media.MediaMissing as missing:
                self.report.warn(f"image attachment {item.wordpress_id}: {missing}; posts keep a link to it")
                self.report.skipped["image attachments whose file was not found"] += 1
            else:
                (self.report.updated if image else self.report.created)["images"] += 1
                image = saved
        elif image is None:
            self.report.skipped[NO_MEDIA_SOURCE] += 1
        if image is not None:  # imported now, or by an earlier run
            self.images[item.wordpress_id] = image.pk
            for key in media.address_keys(item.attachment_url)[:1]:  # its own name (see address_keys)
                self.images_by_address.setdefault(key, image.pk)

    def _image_for(self, piece: bodies.Piece, attachment: int | None) -> int | None:
        if attachment is not None and attachment in self.images:
            return self.images[attachment]
        for key in media.address_keys(piece.url) if piece.url else ():
            if key in self.images_by_address:
                return self.images_by_address[key]
        return None

    def _featured_image(self, item: wxr.Item, article: ArticlePage, label: str) -> None:
        raw = item.meta.get("_thumbnail_id", "").strip()
        if not (raw.isascii() and raw.isdigit()):
            return
        image_id = self.images.get(int(raw))
        if image_id is None:
            self.report.warn(f"{label}: its featured image (attachment {raw}) is not in the media library")
        else:
            article.featured_image_id = image_id

    # Sections --------------------------------------------------------------------------

    def _section(self, slug: str, _seen: frozenset = frozenset()) -> SectionPage:
        """The section a category became, made on first use under its parent category's
        section (made first), or under the home page."""
        if slug in self.sections:
            return self.sections[slug]
        term = self.categories.get(slug)
        title = html.unescape(term.name).strip()[:MAX_TITLE] if term and term.name else slug.replace("-", " ").title()
        section = _mapped(self.source, ImportedObject.Kind.CATEGORY, slug)
        if not isinstance(section, SectionPage):
            parent = self.home
            if term and term.parent and term.parent != slug and term.parent not in _seen:
                parent = self._section(term.parent, _seen | {slug})
            section_slug = _slug(slug) or _slug(title) or f"section-{term.wordpress_id if term else 0}"
            section = SectionPage.objects.child_of(parent).filter(slug=section_slug).first()
            if section is None:
                section = SectionPage(title=title or section_slug, slug=section_slug, show_on_home=False)
                parent.add_child(instance=section)
                section.save_revision().publish()
                self.report.created["sections"] += 1
            _remember(self.source, ImportedObject.Kind.CATEGORY, slug, section)
        self.sections[slug] = section
        return section

    def _with_parent_sections(self, sections: list[SectionPage]) -> list[SectionPage]:
        """The sections and the sections above them: a post in Europe (under World) is
        listed on World's page too, as WordPress's category pages show their children's."""
        found = {section.pk: section for section in sections}
        for section in sections:
            for ancestor in SectionPage.objects.ancestor_of(section).order_by("depth"):
                found.setdefault(ancestor.pk, ancestor)
        return list(found.values())

    # Posts -----------------------------------------------------------------------------

    def _item(self, item: wxr.Item) -> None:
        if item.post_type == "attachment":
            return  # the first pass's
        if item.post_type not in ("post", "page"):
            reason = survey.SKIPPED_POST_TYPES.get(item.post_type)
            self.report.skipped[reason or f"post type “{item.post_type}” is not imported"] += 1
            return
        if item.wordpress_id is None:
            self.report.warn(f"a post without a WordPress id (“{item.title[:60]}”) was skipped")
            self.report.skipped["posts without an id"] += 1
            return
        if item.status == "trash":
            self.report.skipped["posts in WordPress's trash"] += 1
            return
        with transaction.atomic():
            if item.post_type == "post":
                self._post(item)
            else:
                self._page(item)

    def _body(self, item: wxr.Item, label: str) -> tuple[bodies.Body, list[dict]]:
        converted = bodies.convert(item.content)
        data, block_warnings = stream.stream_data(
            converted.pieces,
            self._image_for,
            post_attachments=self.attached.get(item.wordpress_id, []),
            link_for=self.attachment_urls.get,
        )
        for message in dict.fromkeys([*converted.warnings, *block_warnings]):
            self.report.warn(f"{label}: {message}")
        return converted, data

    def _post(self, item: wxr.Item) -> None:
        categories = [term.slug for term in item.terms if term.kind == "category" and term.slug]
        sections = [self._section(slug) for slug in categories] or [self._fallback_section()]
        parent = sections[0]
        label = survey._label(item)
        converted, data = self._body(item, label)

        key = str(item.wordpress_id)
        existing = _mapped(self.source, ImportedObject.Kind.POST, key)
        article = existing if isinstance(existing, ArticlePage) else None
        created = article is None
        if not created and self._edited_here(ImportedObject.Kind.POST, key, article, label):
            # What came with it still comes: new comments, old addresses, view counts.
            if article.live:
                self._redirects(item, article)
            self._comments(item, article)
            analytics_services.carry_over_views(article.pk, survey.view_count(item))
            return
        if created:
            wanted = _slug(item.slug) or _slug(html.unescape(strip_tags(item.title))) or f"post-{item.wordpress_id}"
            article = ArticlePage(slug=_free_slug(parent, wanted))
        published_at = item.date_gmt or _aware(item.date_local) or timezone.now()
        article.title = _title(item, converted)
        article.standfirst = _standfirst(item)
        article.body = data
        article.published_at = published_at
        article.first_published_at = article.first_published_at or published_at
        article.is_staff_pick = item.sticky
        self._featured_image(item, article, label)
        article.go_live_at = published_at if item.status == "future" else None
        author = self.authors.get(item.creator)
        article.article_authors.clear()
        if author is not None:
            article.article_authors.add(ArticleAuthor(author=author, sort_order=0))
        tags = [html.unescape(term.name)[:100] for term in item.terms if term.kind == "post_tag" and term.name]
        article.tags.set(tags)
        self.tags_used.update(tags)
        self.tag_slugs_used.update(term.slug for term in item.terms if term.kind == "post_tag")
        secondary = self._with_parent_sections(sections)
        article.secondary_sections.set([section for section in secondary if section.pk != parent.pk])
        if created:
            article.live = False
            parent.add_child(instance=article)
            _remember(self.source, ImportedObject.Kind.POST, str(item.wordpress_id), article)
        public = self._save(item, article, label)
        _remember_revision(self.source, ImportedObject.Kind.POST, key, article)
        (self.report.created if created else self.report.updated)["articles"] += 1
        if public:
            self._redirects(item, article)
        self._comments(item, article)
        views = survey.view_count(item)
        analytics_services.carry_over_views(article.pk, views)
        (self.report.created if created else self.report.updated)["starting view counts"] += views > 0

    def _edited_here(self, kind: str, key: str, page: Page, label: str) -> bool:
        """True if an editor saved the page here since the import last did, and the import
        is to keep such edits: it is then left as the editor left it, and told."""
        imported = (
            ImportedObject.objects.filter(source=self.source, kind=kind, key=key)
            .values_list("revision_id", flat=True)
            .first()
        )
        if self.overwrite_edits or imported is None or page.latest_revision_id == imported:
            return False
        plural = "articles" if kind == ImportedObject.Kind.POST else "pages"
        self.report.skipped[f"{plural} edited here since the last import (kept as edited)"] += 1
        self.report.warn(
            f"{label}: edited here since the last import; kept as edited, WordPress's version not applied "
            "(importing with --overwrite-edits, or “Overwrite edits” in the admin, replaces it)"
        )
        return True

    def _save(self, item: wxr.Item, page: Page, label: str) -> bool:
        """A revision, published if WordPress showed it to readers; True if it did."""
        revision = page.save_revision()
        public = item.status in ("publish", "future") and not item.password
        if public:
            revision.publish()
            # When it last changed is WordPress's to say, not the import's: search engines
            # read it (dateModified, the sitemaps' lastmod), and simple pages show it.
            changed = item.modified_gmt or item.date_gmt or _aware(item.date_local)
            if changed is not None:
                Page.objects.filter(pk=page.pk).update(last_published_at=changed)
                page.last_published_at = changed
        elif page.live:
            page.unpublish()
        if item.password:
            self.report.warn(f"{label}: protected by a password in WordPress; imported as a draft, not public")
        return public

    # Pages -----------------------------------------------------------------------------

    def _page(self, item: wxr.Item) -> None:
        """A WordPress page as a simple page under the home page, or under its parent page
        once that is imported (`finish` moves those whose parent came later in the file)."""
        label = survey._label(item)
        converted, data = self._body(item, label)
        key = str(item.wordpress_id)
        existing = _mapped(self.source, ImportedObject.Kind.PAGE, key)
        page = existing if isinstance(existing, SimplePage) else None
        created = page is None
        if not created and self._edited_here(ImportedObject.Kind.PAGE, key, page, label):
            if page.live:
                self._redirects(item, page)
            return
        parent = self._page_parent(item)
        # A parent page later in the file is not imported yet: `finish` moves the page there.
        parent_known = not item.parent_id or parent.pk != self.home.pk
        if created:
            wanted = _slug(item.slug) or _slug(html.unescape(strip_tags(item.title))) or f"page-{item.wordpress_id}"
            page = SimplePage(slug=_free_slug(parent, wanted), live=False)
        page.title = _title(item, converted)
        page.standfirst = _standfirst(item)
        page.body = data
        if created:
            parent.add_child(instance=page)
            _remember(self.source, ImportedObject.Kind.PAGE, str(item.wordpress_id), page)
        elif parent_known and page.get_parent().pk != parent.pk and not parent.is_descendant_of(page):
            page.move(parent, pos="last-child")  # moved in WordPress since the last import
            page.refresh_from_db()
        public = self._save(item, page, label)
        _remember_revision(self.source, ImportedObject.Kind.PAGE, key, page)
        (self.report.created if created else self.report.updated)["pages"] += 1
        if not parent_known:
            self.pages_waiting_for_parent[item.wordpress_id] = item.parent_id
        if public:
            self._redirects(item, page)
        if item.comments:
            self.report.skipped["comments on pages (Masthead's simple pages take no comments)"] += len(item.comments)

    def _page_parent(self, item: wxr.Item) -> Page:
        if item.parent_id:
            parent = _mapped(self.source, ImportedObject.Kind.PAGE, str(item.parent_id))
            if isinstance(parent, SimplePage):
                return parent
        return self.home

    def finish(self) -> None:
        """Pages whose parent page came later in the export move under it now."""
        moved = []
        for wordpress_id, parent_id in self.pages_waiting_for_parent.items():
            page = _mapped(self.source, ImportedObject.Kind.PAGE, str(wordpress_id))
            parent = _mapped(self.source, ImportedObject.Kind.PAGE, str(parent_id))
            if (
                isinstance(page, SimplePage)
                and isinstance(parent, SimplePage)
                and page.get_parent().pk != parent.pk
                and not parent.is_descendant_of(page)
            ):
                with transaction.atomic():
                    page.move(parent, pos="last-child")
                moved.append(page.pk)
        # Their old addresses are their addresses again (once every move is done): a
        # redirect from one would never act.
        for page in SimplePage.objects.filter(pk__in=moved):
            parts = page.get_url_parts()
            if parts:
                Redirect.objects.filter(old_path=Redirect.normalise_path(parts[2]), redirect_page=page).delete()

    def _comments(self, item: wxr.Item, article: ArticlePage) -> None:
        result = comments.import_comments(article, item, keep_pingbacks=self.keep_pingbacks)
        self.report.created["comments"] += result.created
        self.report.updated["comments"] += result.updated
        for reason, count in result.skipped.items():
            self.report.skipped[reason] += count
        for message in result.warnings:
            self.report.warn(message)

    def _fallback_section(self) -> SectionPage:
        slug, title = FALLBACK_SECTION
        if slug not in self.categories:
            self.categories[slug] = wxr.Term("category", None, slug, title, "", "")
        return self._section(slug)

    def _redirects(self, item: wxr.Item, article: Page) -> None:
        site = Site.objects.filter(root_page=self.home).first()
        parts = article.get_url_parts()
        new_path = Redirect.normalise_path(parts[2]) if parts else ""
        for old in sorted(survey.old_addresses(item, self.site)):
            path = Redirect.normalise_path(old)
            if not path or path == new_path:
                continue
            _, made = Redirect.objects.update_or_create(
                old_path=path, site=site, defaults={"redirect_page": article, "is_permanent": True}
            )
            self.report.created["redirects"] += made


Progress = Callable[[str, int, int], None]  # phase, bytes read, bytes in all
PROGRESS_EVERY_SECONDS = 1.0


def import_export(
    source,
    *,
    keep_pingbacks: bool = False,
    media_source: media.MediaSource | None = None,
    progress: Progress | None = None,
    overwrite_edits: bool = False,
) -> ImportReport:
    """Import the export at `source` (a path or a seekable binary file: it is read twice,
    attachments first). `progress`, if given, hears how far each pass has read, about
    once a second. Articles and pages edited here since the last import are kept as
    edited unless `overwrite_edits`."""
    importer = Importer(keep_pingbacks=keep_pingbacks, media_source=media_source, overwrite_edits=overwrite_edits)
    if isinstance(source, str):
        with open(source, "rb") as file:
            return _two_passes(importer, file, progress)
    return _two_passes(importer, source, progress)


def _two_passes(importer: Importer, file, progress: Progress | None) -> ImportReport:
    try:
        total = os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        total = len(file.getbuffer()) if isinstance(file, io.BytesIO) else 0
    importer.attachments(told(wxr.read(file), file, "Reading attachments", total, progress))
    file.seek(0)
    report = importer.run(told(wxr.read(file), file, "Importing", total, progress))
    importer.finish()
    if progress is not None:
        progress("Done", total, total)
    return report


def told(records, file, phase: str, total: int, progress: Progress | None):
    """The records, telling `progress` how far the file has been read as they pass."""
    if progress is None:
        yield from records
        return
    progress(phase, 0, total)
    last = time.monotonic()
    for record in records:
        yield record
        if time.monotonic() - last >= PROGRESS_EVERY_SECONDS:
            last = time.monotonic()
            progress(phase, min(file.tell(), total), total)


def _home() -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site else HomePage.objects.first()
    if not isinstance(home, HomePage):
        raise wxr.ExportError("the site has no home page to import under (run `masthead demo` or create one)")
    return home


def _mapped(source: str, kind: str, key: str):
    entry = ImportedObject.objects.filter(source=source, kind=kind, key=key[:255]).first()
    if entry is None:
        return None
    model = entry.content_type.model_class()
    found = model._default_manager.filter(pk=entry.object_id).first() if model else None
    if found is None:
        entry.delete()  # deleted here since: imported anew
    return found


def _remember_revision(source: str, kind: str, key: str, page: Page) -> None:
    ImportedObject.objects.filter(source=source, kind=kind, key=key[:255]).update(revision_id=page.latest_revision_id)


def _remember(source: str, kind: str, key: str, target) -> None:
    ImportedObject.objects.update_or_create(
        source=source,
        kind=kind,
        key=key[:255],
        defaults={"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk},
    )


def _slug(text: str) -> str:
    """WordPress percent-encodes a slug in another script (a Greek or Arabic headline's);
    Masthead's addresses take it as it reads."""
    return slugify(unquote(text), allow_unicode=True)[:MAX_SLUG].strip("-")


def _free_slug(parent: Page, wanted: str) -> str:
    base = wanted[:MAX_SLUG] or "post"
    slug, number = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, number = f"{base[: MAX_SLUG - 4]}-{number}", number + 1
    return slug


def _standfirst(item: wxr.Item) -> str:
    return Truncator(" ".join(html.unescape(strip_tags(item.excerpt)).split())).chars(MAX_STANDFIRST)


def _title(item: wxr.Item, converted: bodies.Body) -> str:
    title = " ".join(html.unescape(strip_tags(item.title)).split())
    if not title:  # WordPress allows a post without a title; Masthead needs a headline
        words = next(
            (strip_tags(piece.html or piece.text) for piece in converted.pieces if piece.html or piece.text), ""
        )
        title = (
            Truncator(" ".join(html.unescape(words).split())).words(10)
            or f"Untitled (WordPress post {item.wordpress_id})"
        )
    return title[:MAX_TITLE]


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.make_aware(value) if value is not None else None
