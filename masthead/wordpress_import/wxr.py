"""Reading a WordPress eXtended RSS export (WXR 1.0 to 1.2), as WordPress writes it, as a
stream: each author, category, tag and item is yielded as soon as it has been read and
then dropped from the tree, so memory stays flat however large the file.

The XML is read with defusedxml: a file that declares entities (the "billion laughs"
bomb) or points at external ones (XXE, which would read local files) is refused with a
clear error before any of it is expanded. Malformed XML is refused with its line and
column. Nothing here writes anything: `services` decides what to do with the records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

SUPPORTED_VERSIONS = frozenset({"1.0", "1.1", "1.2"})

# Namespaces by what their URI ends with: WordPress has written both http and https
# forms of its own over the years (the theme test data uses https://wordpress.org/...).
_NAMESPACES = {
    "wordpress.org/export/1.0/": "wp",
    "wordpress.org/export/1.1/": "wp",
    "wordpress.org/export/1.2/": "wp",
    "wordpress.org/export/1.0/excerpt/": "excerpt",
    "wordpress.org/export/1.1/excerpt/": "excerpt",
    "wordpress.org/export/1.2/excerpt/": "excerpt",
    "purl.org/rss/1.0/modules/content/": "content",
    "purl.org/dc/elements/1.1/": "dc",
    "wellformedweb.org/CommentAPI/": "wfw",
}


class ExportError(ValueError):
    """The file cannot be read as a WordPress export; the message says why."""


@dataclass(frozen=True)
class Site:
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    language: str
    wxr_version: str


@dataclass(frozen=True)
class Author:
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str
    wordpress_id: int | None


@dataclass(frozen=True)
class Term:
    """A category (`kind` "category") or a tag ("post_tag"); `parent` is the parent's slug."""

    kind: str
    wordpress_id: int | None
    slug: str
    name: str
    parent: str
    description: str


@dataclass(frozen=True)
class Comment:
    wordpress_id: int | None
    parent_id: int | None
    author: str
    author_email: str
    author_url: str
    date_gmt: datetime.datetime | None
    content: str
    approved: str  # "1", "0", "spam" or "trash", as WordPress stores it
    comment_type: str  # "comment" (WordPress writes "" for plain ones), "pingback", "trackback"
    author_ip: str = ""


@dataclass(frozen=True)
class ItemTerm:
    kind: str  # "category", "post_tag" or another taxonomy
    slug: str
    name: str


@dataclass
class Item:
    """A post, page, attachment or any other post type, with its comments and meta."""

    wordpress_id: int | None
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    slug: str
    creator: str
    content: str
    excerpt: str
    date_gmt: datetime.datetime | None
    date_local: datetime.datetime | None
    modified_gmt: datetime.datetime | None
    parent_id: int | None
    password: str
    sticky: bool
    attachment_url: str
    comment_status: str = "open"  # "closed": no new comments
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


Record = Site | Author | Term | Item


def _name(tag: str) -> str:
    """`{uri}local` as `prefix:local` for the namespaces a WXR file uses."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    bare = uri.split("://", 1)[-1]
    prefix = _NAMESPACES.get(bare)
    return f"{prefix}:{local}" if prefix else local


def _text(element, name: str) -> str:
    for child in element:
        if _name(child.tag) == name:
            return (child.text or "").strip() if name not in _VERBATIM else (child.text or "")
    return ""


# Bodies keep their whitespace (preformatted text, Gutenberg's block comments on lines).
_VERBATIM = frozenset({"content:encoded", "excerpt:encoded", "wp:comment_content"})


def _number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _gmt(raw: str) -> datetime.datetime | None:
    """WordPress's "Y-m-d H:i:s" in UTC; its "0000-00-00 00:00:00" (a draft never
    published) and anything unreadable are None."""
    try:
        value = datetime.datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return value.replace(tzinfo=datetime.UTC)


def _local(raw: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _author(element) -> Author:
    return Author(
        login=_text(element, "wp:author_login"),
        email=_text(element, "wp:author_email"),
        display_name=_text(element, "wp:author_display_name"),
        first_name=_text(element, "wp:author_first_name"),
        last_name=_text(element, "wp:author_last_name"),
        wordpress_id=_number(_text(element, "wp:author_id")),
    )


def _category(element) -> Term:
    return Term(
        kind="category",
        wordpress_id=_number(_text(element, "wp:term_id")),
        slug=_text(element, "wp:category_nicename"),
        name=_text(element, "wp:cat_name"),
        parent=_text(element, "wp:category_parent"),
        description=_text(element, "wp:category_description"),
    )


def _tag(element) -> Term:
    return Term(
        kind="post_tag",
        wordpress_id=_number(_text(element, "wp:term_id")),
        slug=_text(element, "wp:tag_slug"),
        name=_text(element, "wp:tag_name"),
        parent="",
        description=_text(element, "wp:tag_description"),
    )


def _term(element) -> Term:
    """WXR 1.2's generic `wp:term` (custom taxonomies, and tags on some exports)."""
    return Term(
        kind=_text(element, "wp:term_taxonomy"),
        wordpress_id=_number(_text(element, "wp:term_id")),
        slug=_text(element, "wp:term_slug"),
        name=_text(element, "wp:term_name"),
        parent=_text(element, "wp:term_parent"),
        description=_text(element, "wp:term_description"),
    )


def _comment(element) -> Comment:
    return Comment(
        wordpress_id=_number(_text(element, "wp:comment_id")),
        parent_id=_number(_text(element, "wp:comment_parent")) or None,
        author=_text(element, "wp:comment_author"),
        author_email=_text(element, "wp:comment_author_email"),
        author_url=_text(element, "wp:comment_author_url"),
        date_gmt=_gmt(_text(element, "wp:comment_date_gmt")) or _gmt(_text(element, "wp:comment_date")),
        content=_text(element, "wp:comment_content"),
        approved=_text(element, "wp:comment_approved") or "0",
        comment_type=_text(element, "wp:comment_type") or "comment",
        author_ip=_text(element, "wp:comment_author_IP"),
    )


def _item(element) -> Item:
    item = Item(
        wordpress_id=_number(_text(element, "wp:post_id")),
        post_type=_text(element, "wp:post_type") or "post",
        status=_text(element, "wp:status") or "publish",
        title=_text(element, "title"),
        link=_text(element, "link"),
        guid=_text(element, "guid"),
        slug=_text(element, "wp:post_name"),
        creator=_text(element, "dc:creator"),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded"),
        date_gmt=_gmt(_text(element, "wp:post_date_gmt")),
        date_local=_local(_text(element, "wp:post_date")),
        modified_gmt=_gmt(_text(element, "wp:post_modified_gmt")),
        parent_id=_number(_text(element, "wp:post_parent")) or None,
        password=_text(element, "wp:post_password"),
        sticky=_text(element, "wp:is_sticky") == "1",
        attachment_url=_text(element, "wp:attachment_url"),
        comment_status=_text(element, "wp:comment_status") or "open",
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            item.terms.append(
                ItemTerm(
                    kind=child.get("domain", "category"),
                    slug=child.get("nicename", ""),
                    name=(child.text or "").strip(),
                )
            )
        elif name == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            if key:
                item.meta[key] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


_CHANNEL_RECORDS = {
    "wp:author": _author,
    "wp:category": _category,
    "wp:tag": _tag,
    "wp:term": _term,
    "item": _item,
}
_SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "language": "language",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def read(source: BinaryIO | str) -> Iterator[Record]:
    """The export's records in file order: the Site first (once its header is read),
    then authors, terms and items. Raises ExportError for a file that is not a WordPress
    export, malformed XML, or XML that declares entities."""
    try:
        yield from _read(source)
    except DefusedXmlException as refused:
        raise ExportError(
            "the file declares XML entities or a document type, which WordPress exports never do "
            f"(refused, nothing expanded or fetched: {type(refused).__name__})"
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ExportError(f"the file is not well-formed XML (line {line}, column {column + 1})") from None


def _read(source) -> Iterator[Record]:
    events = iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    depth = 0
    channel = None
    header: dict[str, str] = {}
    site_sent = False
    for event, element in events:
        if event == "start":
            depth += 1
            if depth == 1 and _name(element.tag) != "rss":
                raise ExportError(
                    f"the file is not a WordPress export (its root element is <{_name(element.tag)}>, not <rss>)"
                )
            if depth == 2 and _name(element.tag) == "channel":
                channel = element
            continue
        depth -= 1
        if channel is None or depth != 2:
            continue
        name = _name(element.tag)
        build = _CHANNEL_RECORDS.get(name)
        if not site_sent and name in _SITE_FIELDS:
            header[_SITE_FIELDS[name]] = (element.text or "").strip()
        elif build is not None:
            if not site_sent:
                yield _site(header)
                site_sent = True
            yield build(element)
        element.clear()
        channel.remove(element)  # the channel keeps nothing it has read, known or not
    if channel is None:
        raise ExportError("the file is not a WordPress export (no <channel> under <rss>)")
    if not site_sent:
        yield _site(header)


def _site(header: dict[str, str]) -> Site:
    version = header.get("wxr_version", "")
    if not version:
        raise ExportError("the file is an RSS feed, not a WordPress export (it has no <wp:wxr_version>)")
    if version not in SUPPORTED_VERSIONS:
        raise ExportError(f"WXR version {version} is not supported (1.0, 1.1 and 1.2 are)")
    return Site(
        title=header.get("title", ""),
        link=header.get("link", ""),
        base_site_url=header.get("base_site_url", ""),
        base_blog_url=header.get("base_blog_url", ""),
        language=header.get("language", ""),
        wxr_version=version,
    )
