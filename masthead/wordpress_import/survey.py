"""What an export holds and what an import of it would do with each part: the report
`masthead import-wordpress --dry-run` prints, read in one pass over the stream."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from masthead.wordpress_import import bodies, wxr

# Post meta keys where view-counting plugins keep their totals (WP-PostViews, Post Views
# Counter's legacy key, and the many themes that copied them).
VIEW_COUNT_KEYS = ("views", "post_views_count")
# WordPress statuses as Masthead sees them.
ARTICLE_STATES = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "draft",
    "auto-draft": "draft",
    "private": "not public",
}
SKIPPED_POST_TYPES = {
    "nav_menu_item": "menus are not imported (a Masthead site's navigation is its sections)",
    "revision": "revisions are not imported (the current text is)",
    "wp_global_styles": "theme styles are not imported",
    "wp_navigation": "menus are not imported (a Masthead site's navigation is its sections)",
    "custom_css": "theme styles are not imported",
    "customize_changeset": "theme settings are not imported",
    "oembed_cache": "cached embeds are not imported (embeds are resolved again)",
    "wp_template": "theme templates are not imported",
    "wp_template_part": "theme templates are not imported",
    "wp_block": "reusable blocks are not imported",
    "user_request": "privacy requests are not imported",
}
MAX_WARNINGS_SHOWN = 50


@dataclass
class Survey:
    site: wxr.Site | None = None
    authors: int = 0
    sections: int = 0
    nested_sections: int = 0
    tags: int = 0
    other_terms: Counter = field(default_factory=Counter)
    articles: Counter = field(default_factory=Counter)  # by Masthead state
    staff_picks: int = 0
    pages: Counter = field(default_factory=Counter)
    images: int = 0
    other_attachments: int = 0
    featured_images: int = 0
    comments: Counter = field(default_factory=Counter)  # imported: approved, pending
    comments_skipped: Counter = field(default_factory=Counter)  # spam, trash, pingbacks
    view_counts: int = 0
    views: int = 0
    redirects: int = 0
    skipped_items: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    # What a body's conversion left out or kept as text, by message: the posts it concerns.
    body_warnings: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS_SHOWN:
            self.warnings.append(message)

    def lines(self) -> list[str]:
        site = self.site
        out = [f"WordPress export of {site.title or site.link or 'a site'} (WXR {site.wxr_version})" if site else ""]
        out.append(f"  authors: {self.authors}")
        out.append(f"  sections (categories): {self.sections}, of them {self.nested_sections} under a parent")
        out.append(f"  tags: {self.tags}")
        for kind, count in sorted(self.other_terms.items()):
            out.append(f"  terms of {kind}: {count} (not imported)")
        out.append(f"  articles (posts): {sum(self.articles.values())}{_breakdown(self.articles)}")
        out.append(f"    staff picks (sticky): {self.staff_picks}")
        out.append(f"  pages: {sum(self.pages.values())}{_breakdown(self.pages)}")
        out.append(f"  images: {self.images}, other attachments: {self.other_attachments}")
        out.append(f"    featured images: {self.featured_images}")
        out.append(f"  comments: {sum(self.comments.values())}{_breakdown(self.comments)}")
        if self.comments_skipped:
            out.append(f"    not imported: {sum(self.comments_skipped.values())}{_breakdown(self.comments_skipped)}")
        out.append(f"  starting view counts: {self.view_counts} articles, {self.views:,} views in all")
        out.append(f"  old addresses redirected: {self.redirects}")
        for post_type, count in sorted(self.skipped_items.items()):
            reason = SKIPPED_POST_TYPES.get(post_type, "an unknown post type")
            out.append(f"  skipped {post_type}: {count} ({reason})")
        out.append(f"  warnings: {self.warning_count}")
        out.extend(f"    - {warning}" for warning in self.warnings)
        if self.warning_count > len(self.warnings):
            out.append(f"    … and {self.warning_count - len(self.warnings)} more")
        if self.body_warnings:
            out.append("  in bodies:")
        for message, labels in sorted(self.body_warnings.items(), key=lambda entry: (-len(entry[1]), entry[0])):
            shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
            out.append(f"    - {message}: {len(labels)} {'item' if len(labels) == 1 else 'items'} ({shown})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) + "\n"


def _breakdown(counts: Counter) -> str:
    if not counts:
        return ""
    return " (" + ", ".join(f"{label} {count}" for label, count in sorted(counts.items())) + ")"


def _label(item: wxr.Item) -> str:
    title = item.title.strip() or "(no title)"
    if len(title) > 60:
        title = title[:57] + "…"
    return f"{item.post_type} {item.wordpress_id} “{title}”"


def old_addresses(item: wxr.Item, site: wxr.Site | None) -> set[str]:
    """The paths a WordPress site answered for this item: its permalink, its guid (often
    the `?p=123` form) and `?p=<id>` itself, on the export's own host only."""
    hosts = {_host(url) for url in (site.link, site.base_blog_url) if url} if site else set()
    paths = set()
    for url in (item.link, item.guid):
        try:
            parts = urlsplit(url)
            if parts.hostname and parts.hostname not in hosts:
                continue
        except ValueError:  # not an address (a guid may be anything)
            continue
        path = parts.path or "/"
        paths.add(path + (f"?{parts.query}" if parts.query else ""))
    if item.wordpress_id is not None:
        paths.add(f"/?p={item.wordpress_id}" if item.post_type == "post" else f"/?page_id={item.wordpress_id}")
    paths.discard("/")
    return paths


def survey(records, *, keep_pingbacks: bool = False) -> Survey:
    result = Survey()
    for record in records:
        if isinstance(record, wxr.Site):
            result.site = record
        elif isinstance(record, wxr.Author):
            result.authors += 1
        elif isinstance(record, wxr.Term):
            _count_term(result, record)
        elif isinstance(record, wxr.Item):
            _count_item(result, record, keep_pingbacks=keep_pingbacks)
    return result


def _count_term(result: Survey, term: wxr.Term) -> None:
    if term.kind == "category":
        result.sections += 1
        result.nested_sections += bool(term.parent)
    elif term.kind == "post_tag":
        result.tags += 1
    else:
        result.other_terms[term.kind or "an unnamed taxonomy"] += 1


def _count_item(result: Survey, item: wxr.Item, *, keep_pingbacks: bool) -> None:
    if item.post_type in ("post", "page"):
        state = ARTICLE_STATES.get(item.status)
        if state is None:
            if item.status == "trash":
                result.skipped_items["trash"] += 1
                return
            result.warn(f"{_label(item)}: status “{item.status}” is unknown; imported as a draft")
            state = "draft"
        if item.password and state == "published":
            result.warn(f"{_label(item)}: protected by a password in WordPress; imported as not public")
            state = "not public"
        if not item.title.strip():
            result.warn(f"{_label(item)}: has no title; imported with one made from its text")
        if item.post_type == "post":
            result.articles[state] += 1
            result.staff_picks += item.sticky
            views = view_count(item)
            if views:
                result.view_counts += 1
                result.views += views
        else:
            result.pages[state] += 1
        result.featured_images += "_thumbnail_id" in item.meta
        for message in dict.fromkeys(_body_warnings(item)):  # once a post
            result.body_warnings.setdefault(message, []).append(_label(item))
        result.redirects += len(old_addresses(item, result.site))
        _count_comments(result, item, keep_pingbacks=keep_pingbacks)
    elif item.post_type == "attachment":
        if is_image(item.attachment_url):
            result.images += 1
        else:
            result.other_attachments += 1
    else:
        result.skipped_items[item.post_type] += 1


def _count_comments(result: Survey, item: wxr.Item, *, keep_pingbacks: bool) -> None:
    for comment in item.comments:
        if comment.approved in ("spam", "trash"):
            result.comments_skipped[comment.approved] += 1
        elif comment.comment_type in ("pingback", "trackback") and not keep_pingbacks:
            result.comments_skipped[comment.comment_type + "s"] += 1
        elif comment.approved == "1":
            result.comments["approved"] += 1
        else:
            result.comments["awaiting moderation"] += 1


def _body_warnings(item: wxr.Item) -> list[str]:
    try:
        return bodies.convert(item.content).warnings
    except Exception as error:  # one unreadable body must not stop the report
        return [f"the body could not be read ({type(error).__name__}); it would be imported as text"]


def view_count(item: wxr.Item) -> int:
    for key in VIEW_COUNT_KEYS:
        raw = item.meta.get(key, "").strip()
        if raw.isascii() and raw.isdigit() and len(raw) < 13:
            return int(raw)
    return 0


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")


def is_image(url: str) -> bool:
    try:
        return urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES)
    except ValueError:
        return False


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
