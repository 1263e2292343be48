"""A WordPress post's body (classic editor HTML, Gutenberg block markup, shortcodes) as
the pieces of a Masthead article body: paragraphs, headings, lists, quotes, preformatted
text, images with captions, galleries and embeds.

The steps follow what WordPress itself does before it shows a post: shortcodes are
expanded (caption, gallery, embed, video, audio; an unknown one stays as its text and is
reported), a URL alone on its line becomes an embed, and text that the classic editor
separated by blank lines becomes paragraphs (WordPress's `wpautop`). Gutenberg's block
comments are read for what they say (an embed's URL, a dynamic block that WordPress
built at request time and that has no HTML to bring across) and otherwise dropped: the
HTML between them is ordinary HTML.

Inline markup keeps what Masthead's rich text has (bold, italic, links; lists), cleaned
with nh3: scripts, styles, event handlers, `javascript:` links and frames never come
across. Images are pieces with their source address and attachment id; the importer
finds them in the media library it builds.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

# Where WordPress turns a bare URL into an embed (its oEmbed providers that newsrooms use).
EMBED_HOSTS = (
    "youtube.com",
    "youtu.be",
    "twitter.com",
    "x.com",
    "vimeo.com",
    "instagram.com",
    "facebook.com",
    "tiktok.com",
    "soundcloud.com",
    "spotify.com",
    "flickr.com",
    "wordpress.tv",
    "dailymotion.com",
    "reddit.com",
    "threads.net",
    "bsky.app",
)
KNOWN_SHORTCODES = frozenset({"caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist"})
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "figure", "table",
        "div", "section", "article", "aside", "header", "footer", "main", "nav", "center", "dl",
        "address", "hr", "iframe", "video", "audio", "object", "embed", "form", "details", "script", "style",
        "noscript", "template", "canvas", "svg", "math", "fieldset", "wp-embed", "wp-gallery",
    }
)  # fmt: skip
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
CONTAINERS = frozenset(
    {"div", "section", "article", "aside", "header", "footer", "main", "center", "details", "noscript", "fieldset"}
)
DROPPED_TAGS = frozenset({"script", "style", "template", "form", "object", "embed", "canvas", "svg", "math", "nav"})
INLINE_TAGS = {"b": "b", "strong": "b", "i": "i", "em": "i", "a": "a", "br": "br"}
LIST_TAGS = {**INLINE_TAGS, "ul": "ul", "ol": "ol", "li": "li"}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_HEADING = 200
MAX_CAPTION = 500
# Deeper nesting than this is flattened (its tags dropped, its text kept): real bodies nest
# a few levels, and a walk down thousands of unclosed <span>s would exhaust the stack.
MAX_DEPTH = 60
# Tags that never end a paragraph when they start inside one (they are left out in place).
NOT_CLOSING_PARAGRAPHS = frozenset({"script", "style", "svg", "math", "canvas", "template", "noscript"})


@dataclass(frozen=True)
class Piece:
    """One block of the body. `kind` is paragraph, heading, list, quote, preformatted,
    image, gallery or embed; the other fields are what that kind uses."""

    kind: str
    html: str = ""  # paragraph, list, quote: cleaned inline HTML
    text: str = ""  # heading, preformatted: plain text
    level: int = 2  # heading: 2 or 3
    url: str = ""  # image: source address; embed: the page to embed
    alt: str = ""
    caption: str = ""
    attribution: str = ""  # quote
    attachment_ids: tuple[int, ...] = ()  # image (one), gallery (several or none: all of the post's)


@dataclass
class Body:
    pieces: list[Piece] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def convert(raw: str) -> Body:
    body = Body()
    text = _gutenberg_comments(raw, body)
    text = _shortcodes(text, body)
    _Walker(body).walk(_parse(text))
    return body


# Gutenberg -----------------------------------------------------------------------------

# Inside "<!--" and "-->": ` wp:name {"json": "attributes"} ` or ` /wp:name `, `/` before the end if self-closing.
_BLOCK_COMMENT = re.compile(r"\s+(/?)wp:([a-z0-9/-]+)(\s+\{.*\})?\s*(/?)\s*$", re.DOTALL)
# Blocks WordPress renders when a page is requested: there is no HTML in the export.
DYNAMIC_BLOCKS = frozenset(
    {
        "latest-posts", "latest-comments", "archives", "categories", "calendar", "rss", "search",
        "tag-cloud", "query", "post-template", "post-title", "post-date", "post-excerpt",
        "post-content", "post-featured-image", "query-title", "query-pagination", "query-pagination-next",
        "query-pagination-previous", "query-pagination-numbers", "query-no-results", "page-list",
        "loginout", "site-title", "site-logo", "site-tagline", "navigation", "social-links", "social-link",
        "comments", "comment-template", "avatar", "post-author", "post-terms", "read-more",
    }
)  # fmt: skip


def _gutenberg_comments(raw: str, body: Body) -> str:
    """Every comment removed in one pass (an unclosed one runs to the end, as in a
    browser); a Gutenberg block comment is read first for what it says. A regular
    expression over the whole body would rescan the rest of it for every "<!--"."""
    embeds_open: list[str] = []
    kept, position = [], 0
    while (start := raw.find("<!--", position)) != -1:
        kept.append(raw[position:start])
        end = raw.find("-->", start + 4)
        if end == -1:
            position = len(raw)
            break
        block = _BLOCK_COMMENT.match(raw, start + 4, end)
        if block:
            kept.append(_block_comment(block, body, embeds_open))
        position = end + 3
    kept.append(raw[position:])
    return "".join(kept)


def _block_comment(match: re.Match, body: Body, embeds_open: list[str]) -> str:
    closing, name, attributes, self_closing = match.groups()
    name = name.removeprefix("core/")
    if closing:
        if name.startswith(("embed", "core-embed")) and embeds_open:
            embeds_open.pop()
            return "</wp-embed>"
        return ""
    if name in DYNAMIC_BLOCKS:
        if not (name.startswith("query-") or name in {"post-template", "social-link"}):
            body.warnings.append(f"the “{name}” block is built by WordPress when a page is shown: left out")
        return ""
    if name.startswith(("embed", "core-embed")):
        url = _json_url(attributes)
        if self_closing:
            return f'<wp-embed data-url="{html.escape(url)}"></wp-embed>' if url else ""
        embeds_open.append(url)
        return f'<wp-embed data-url="{html.escape(url)}">'
    return ""


def _json_url(attributes: str | None) -> str:
    try:
        value = json.loads(attributes or "{}")
    except (ValueError, RecursionError):
        return ""
    url = value.get("url") if isinstance(value, dict) else None
    return url if isinstance(url, str) and _is_web_url(url) else ""


# Shortcodes ----------------------------------------------------------------------------

# WordPress's get_shortcode_regex() for the given names; those whose end tag ([/name]) is
# nowhere in the text are matched without looking for one (the search for an end tag
# scans the rest of the text, once for every opening tag).
_SHORTCODE_TEMPLATE = (
    r"\[(\[?)({names})(?![\w-])([^\]\/]*(?:\/(?!\])[^\]\/]*)*?)"
    r"(?:(\/)\]|\](?:([^\[]*(?:\[(?!\/\2\])[^\[]*)*)\[\/\2\]){enclosing})(\]?)"
)
_END_TAG = re.compile(r"\[/([a-zA-Z0-9_-]+)\]")
# A plugin's shortcode that Masthead does not know: a name, then attributes with "=".
_UNKNOWN_SHORTCODE = re.compile(r"(?<!\[)\[([a-zA-Z][\w-]*)\s[^\[\]]*=[^\[\]]*\](?!\])")


@functools.cache
def _shortcode_pattern(enclosing: frozenset[str], self_closing: frozenset[str]) -> re.Pattern:
    parts = []
    if enclosing:
        parts.append(_SHORTCODE_TEMPLATE.format(names="|".join(sorted(enclosing)), enclosing="?"))
    if self_closing:
        parts.append(_SHORTCODE_TEMPLATE.format(names="|".join(sorted(self_closing)), enclosing="{0}"))
    return re.compile("|".join(f"(?:{part})" for part in parts)) if parts else re.compile(r"(?!)")


# What a [caption] wraps: an image (perhaps linked), a frame or a video, then the caption.
_LEADING_ELEMENT = re.compile(
    r"(<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>|<(iframe|video|audio)\b[^>]*>.*?</\2>)", re.DOTALL | re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)""")


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(html.unescape(text)):
        name = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) if match.group(1) else match.group(4) if match.group(3) else match.group(6)
        found[name.lower()] = value
    return found


def _shortcodes(text: str, body: Body) -> str:
    def replace(match: re.Match) -> str:
        groups = [group for group in match.groups()]
        if len(groups) == 12:  # two alternatives: take the one that matched
            groups = groups[:6] if match.group(2) is not None else groups[6:]
        escaped_open, name, raw_attributes, _, content, escaped_close = groups
        if escaped_open and escaped_close:  # [[gallery]] is how WordPress writes a literal [gallery]
            return match.group(0)[1:-1]
        name = name.lower()
        attributes = _attributes(raw_attributes)
        content = content or ""
        if name in ("caption", "wp_caption"):
            inner = _shortcodes(content, body).strip()
            leading = _LEADING_ELEMENT.match(inner)
            if not leading:
                return f"\n\n{inner}\n\n"  # a caption around no image: its text stays
            element, rest = leading.group(1), inner[leading.end() :]
            caption = attributes.get("caption", "") or rest.strip()
            attachment = attributes.get("id", "").removeprefix("attachment_")
            return (
                f'\n\n<figure data-attachment="{html.escape(attachment)}">{element}'
                f"<figcaption>{caption}</figcaption></figure>\n\n"
            )
        if name == "gallery":
            ids = attributes.get("ids") or attributes.get("include") or ""
            return f'\n\n<wp-gallery data-ids="{html.escape(ids)}"></wp-gallery>\n\n'
        if name in ("embed", "video", "audio"):
            url = content.strip() if name == "embed" else attributes.get("src") or attributes.get("mp4", "")
            url = url or next((value for key, value in attributes.items() if key in ("mp3", "m4a", "ogg", "webm")), "")
            if not url and name != "embed":  # [audio https://…] or [video]https://…[/video]
                url = raw_attributes.strip() if _is_web_url(html.unescape(raw_attributes)) else content.strip()
            if _is_web_url(html.unescape(url)):
                return f'\n\n<wp-embed data-url="{html.escape(html.unescape(url))}"></wp-embed>\n\n'
            body.warnings.append(f"a [{name}] shortcode without an address was left out")
            return ""
        if name == "playlist":
            body.warnings.append("a [playlist] shortcode was left out (Masthead has no playlists)")
            return ""
        return match.group(0)

    ends = {name.lower() for name in _END_TAG.findall(text)}
    known = frozenset(KNOWN_SHORTCODES)
    pattern = _shortcode_pattern(known & ends, known - ends)
    converted = pattern.sub(replace, text)
    # [sic], [1] and [Editor's note] are text; a plugin's shortcode has attributes or an end.
    unknown = {name.lower() for name in _UNKNOWN_SHORTCODE.findall(converted)} | (ends - known)
    for name in sorted(unknown - known):
        body.warnings.append(f"unknown shortcode [{name}] kept as text")
    return converted


# HTML tree -----------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the body: unclosed paragraphs and list items close the way
    browsers close them; stray end tags are ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if len(self.stack) > MAX_DEPTH and tag not in VOID_TAGS:
            return  # flattened: its text goes to the element above
        if (tag in BLOCK_TAGS and tag not in NOT_CLOSING_PARAGRAPHS) or tag == "li":
            self._close_implied(tag)
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def _close_implied(self, tag):
        if self.stack[-1].tag == "p":
            self.stack.pop()
        if tag == "li":
            for depth in range(len(self.stack) - 1, 0, -1):
                if self.stack[depth].tag in ("ul", "ol"):
                    break
                if self.stack[depth].tag == "li":
                    del self.stack[depth:]
                    break


def _parse(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def _render(node) -> str:
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in node.attrs.items())
    if node.tag in VOID_TAGS:
        return f"<{node.tag}{attributes}>"
    return f"<{node.tag}{attributes}>{''.join(_render(child) for child in node.children)}</{node.tag}>"


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    if node.tag in DROPPED_TAGS:
        return ""
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)


def _find(node: Node, tag: str) -> Node | None:
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found:
                return found
    return None


def _clean_inline(markup: str, tags: dict[str, str] = INLINE_TAGS) -> str:
    for source, target in (("strong", "b"), ("em", "i")):
        markup = re.sub(rf"<(/?){source}\b[^>]*>", rf"<\1{target}>", markup)
    cleaned = nh3.clean(
        markup,
        tags=set(tags.values()),
        attributes={"a": {"href"}, "*": set()},  # "*": nh3 keeps title and lang on every tag unless told
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    return re.sub(r"^(\s|<br>)+|(\s|<br>)+$", "", cleaned)


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url.strip()


def _is_embeddable(url: str) -> bool:
    if not _is_web_url(url):
        return False
    host = (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return any(host == known or host.endswith("." + known) for known in EMBED_HOSTS)


def _youtube_watch_url(src: str) -> str:
    """A YouTube player frame's address as the video's page (what oEmbed takes)."""
    try:
        parts = urlsplit(src if "://" in src else "https:" + src)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return ""
    if host in ("youtube.com", "youtube-nocookie.com") and parts.path.startswith("/embed/"):
        video = parts.path.split("/")[2]
        return f"https://www.youtube.com/watch?v={video}" if video else ""
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return "https://vimeo.com/" + parts.path.split("/")[2]
    return ""


def _number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _attachment_id(image: Node) -> int | None:
    """WordPress marks an inserted image with its attachment id in a `wp-image-<id>` class."""
    found = re.search(r"\bwp-image-(\d+)\b", image.attrs.get("class", ""))
    return _number(found.group(1)) if found else _number(image.attrs.get("data-id", ""))


# The walk ------------------------------------------------------------------------------


class _Walker:
    def __init__(self, body: Body):
        self.body = body
        self.loose: list = []  # inline nodes and text between blocks, for wpautop

    def add(self, piece: Piece) -> None:
        self.body.pieces.append(piece)

    def warn(self, message: str) -> None:
        self.body.warnings.append(message)

    def walk(self, root: Node) -> None:
        self._children(root.children)
        self._flush_loose()

    def _children(self, children: list) -> None:
        for child in children:
            if isinstance(child, str) or child.tag not in BLOCK_TAGS | {"img", "wp-embed", "wp-gallery", "li", "hr"}:
                if isinstance(child, Node) and child.tag == "a" and _only_image(child):
                    self._flush_loose()
                    self._image(_find(child, "img") or child, caption="")
                    continue
                self.loose.append(child)
                continue
            self._flush_loose()
            self._block(child)

    def _flush_loose(self) -> None:
        """Text the classic editor left between blocks: blank lines separate paragraphs,
        single line breaks are kept, and a URL alone on its line is an embed (WordPress's
        wpautop and autoembed)."""
        if not self.loose:
            return
        loose, self.loose = self.loose, []
        images = [image for node in loose if isinstance(node, Node) for image in _all(node, "img")]
        for image in images:  # an image inside inline markup: a piece of its own
            self._image(image, caption="")
        markup = "".join(_render(node) for node in loose)
        for chunk in re.split(r"\n\s*\n", markup):
            lines: list[str] = []
            for line in chunk.strip().split("\n"):
                bare = html.unescape(re.sub(r"<[^>]+>", "", line)).strip()
                if _is_embeddable(bare):
                    self._paragraph("<br>".join(lines))
                    lines = []
                    self.add(Piece("embed", url=bare))
                else:
                    lines.append(line)
            self._paragraph("<br>".join(lines))

    def _paragraph(self, markup: str) -> None:
        cleaned = _clean_inline(markup)
        if re.sub(r"<[^>]+>|\s", "", cleaned):
            self.add(Piece("paragraph", html=cleaned))

    def _block(self, node: Node) -> None:
        tag = node.tag
        if tag == "p":
            self._p(node)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = " ".join(_text_of(node).split())
            if text:
                self.add(Piece("heading", text=text[:MAX_HEADING], level=2 if tag in ("h1", "h2") else 3))
        elif tag in ("ul", "ol"):
            cleaned = _clean_inline(_render(node), LIST_TAGS)
            if re.sub(r"<[^>]+>|\s", "", cleaned):
                self.add(Piece("list", html=cleaned))
        elif tag == "li":  # a list item outside any list
            self._paragraph("".join(_render(child) for child in node.children))
        elif tag == "blockquote":
            self._blockquote(node)
        elif tag == "pre":
            text = _text_of(node).strip("\n")
            if text.strip():
                self.add(Piece("preformatted", text=text))
        elif tag == "figure":
            self._figure(node)
        elif tag == "img":
            self._image(node, caption="")
        elif tag == "wp-embed":  # Gutenberg's embed block: the URL from its comment, its figure's caption
            caption_node = _find(node, "figcaption")
            caption = " ".join(_text_of(caption_node).split()) if caption_node else ""
            self._embed(node.attrs.get("data-url", ""), caption=caption)
        elif tag == "wp-gallery":
            ids = tuple(n for n in (_number(part) for part in node.attrs.get("data-ids", "").split(",")) if n)
            self.add(Piece("gallery", attachment_ids=ids))
        elif tag == "iframe":
            url = _youtube_watch_url(node.attrs.get("src", ""))
            if url:
                self.add(Piece("embed", url=url))
            else:
                self.warn("a frame from another site was left out (only YouTube and Vimeo players are kept)")
        elif tag in ("video", "audio"):
            source = node.attrs.get("src") or next(
                (
                    child.attrs.get("src", "")
                    for child in node.children
                    if isinstance(child, Node) and child.tag == "source"
                ),
                "",
            )
            self._embed(source, caption="") if _is_web_url(source) else self.warn(
                f"a <{tag}> without an address was left out"
            )
        elif tag == "table":
            self._table(node)
        elif tag == "dl":
            for child in node.children:
                if isinstance(child, Node) and child.tag in ("dt", "dd"):
                    markup = "".join(_render(grandchild) for grandchild in child.children)
                    self._paragraph(f"<b>{markup}</b>" if child.tag == "dt" else markup)
        elif tag == "address":
            self._paragraph("".join(_render(child) for child in node.children).strip().replace("\n", "<br>"))
        elif tag in CONTAINERS:
            self._children(node.children)
            self._flush_loose()
        elif tag in ("script", "object", "embed", "form"):
            self.warn(f"a <{tag}> was left out (scripts, plug-ins and forms are never imported)")
        # hr (a separator: Masthead bodies have none), style, svg and the like: left out

    def _p(self, node: Node) -> None:
        text = _text_of(node).strip()
        if _is_embeddable(text) and not any(
            isinstance(child, Node) and child.tag not in ("a", "br") for child in node.children
        ):
            self.add(Piece("embed", url=text))
            return
        self._inline_run(node.children)

    def _inline_run(self, children: list) -> None:
        """A paragraph's children: the inline ones make paragraphs; an image, a block (a
        frame, a list) or a placeholder in their midst becomes a piece of its own where it
        stands; a script or an inline icon is left out without splitting the paragraph."""
        inline: list = []

        def flush():
            if inline:
                self._paragraph("".join(_render(part) for part in inline))
                inline.clear()

        for child in children:
            if isinstance(child, str):
                inline.append(child)
            elif child.tag in DROPPED_TAGS:
                if child.tag in ("script", "object", "embed", "form"):
                    self.warn(f"a <{child.tag}> was left out (scripts, plug-ins and forms are never imported)")
            elif child.tag == "img" or (child.tag == "a" and _only_image(child)):
                flush()
                self._image(child if child.tag == "img" else _find(child, "img"), caption="")
            elif child.tag in BLOCK_TAGS:
                flush()
                self._block(child)
            else:
                if _find(child, "img") is not None:  # <strong><img> text</strong>: the image first
                    flush()
                    for image in _all(child, "img"):
                        self._image(image, caption="")
                inline.append(child)
        flush()

    def _blockquote(self, node: Node) -> None:
        classes = node.attrs.get("class", "")
        if "twitter-tweet" in classes or "instagram-media" in classes or "tiktok-embed" in classes:
            links = [a.attrs.get("href", "") for a in _all(node, "a")]
            url = next((link for link in reversed(links) if _is_embeddable(link)), "")
            if url:
                self.add(Piece("embed", url=url.split("?")[0] if "twitter.com" in url or "x.com" in url else url))
                return
        cite = _find(node, "cite")
        attribution = " ".join(_text_of(cite).split()).lstrip("—–- ") if cite else ""
        if cite is not None:
            _remove(node, cite)
        markup = "".join(_render(child) for child in node.children)
        if cite is not None:  # what stood before the cite: "— " or an emptied paragraph
            markup = re.sub(r"(\s|—|–|-|<p>\s*[—–-]?\s*</p>)+(</p>)?\s*$", r"\2", markup)
        markup = re.sub(r"</p>\s*<p\b[^>]*>", "<br><br>", markup)
        cleaned = _clean_inline(markup.replace("<footer>", "").replace("</footer>", ""))
        kind = "pull_quote" if "pullquote" in classes else "quote"
        source = node.attrs.get("cite", "")
        if re.sub(r"<[^>]+>|\s", "", cleaned):
            self.add(
                Piece(kind, html=cleaned, attribution=attribution[:200], url=source if _is_web_url(source) else "")
            )

    def _figure(self, node: Node) -> None:
        caption_node = _find(node, "figcaption")
        caption = " ".join(_text_of(caption_node).split())[:MAX_CAPTION] if caption_node else ""
        embed = _find(node, "wp-embed")
        if embed is not None:
            self._embed(embed.attrs.get("data-url", ""), caption=caption)
            return
        blockquote = _find(node, "blockquote")
        if blockquote is not None and _find(node, "img") is None:
            self._blockquote(
                Node(
                    "blockquote",
                    {"class": node.attrs.get("class", "") + " " + blockquote.attrs.get("class", "")},
                    blockquote.children,
                )
            )
            return
        images = _all(node, "img")
        frame = _find(node, "iframe") or _find(node, "video")
        if frame is not None and not images:
            source = frame.attrs.get("src", "") or next(
                (child.attrs.get("src", "") for child in _all(frame, "source")), ""
            )
            url = _youtube_watch_url(source) if frame.tag == "iframe" else source
            self._embed(url, caption=caption) if url else self.warn("a frame from another site was left out")
            return
        if len(images) > 1 or "wp-block-gallery" in node.attrs.get("class", ""):
            ids = tuple(n for n in (_attachment_id(image) for image in images) if n)
            if ids or not images:
                self.add(Piece("gallery", attachment_ids=ids, caption=caption))
            else:
                for image in images:
                    self._image(image, caption="")
            return
        if images:
            attachment = _number(node.attrs.get("data-attachment", ""))
            self._image(images[0], caption=caption, attachment=attachment)
            return
        table = _find(node, "table")
        if table is not None:
            self._table(table)
        else:
            self._children([child for child in node.children if child is not caption_node])
            self._flush_loose()

    def _image(self, image: Node | None, *, caption: str, attachment: int | None = None) -> None:
        if image is None:
            return
        source = image.attrs.get("src", "").strip()
        if not _is_web_url(source) and not (source.startswith("/") and not source.startswith(("//", "/\\"))):
            self.warn("an image without a web address was left out")
            return
        self.add(
            Piece(
                "image",
                url=source,
                alt=" ".join(image.attrs.get("alt", "").split())[:300],
                caption=caption,
                attachment_ids=tuple(n for n in (attachment or _attachment_id(image),) if n),
            )
        )

    def _embed(self, url: str, *, caption: str) -> None:
        if _is_web_url(url):
            self.add(Piece("embed", url=url.strip(), caption=caption[:300]))
        else:
            self.warn("an embed without a web address was left out")

    def _table(self, table: Node) -> None:
        rows = _all(table, "tr")
        for row in rows:
            cells = [
                " ".join(_text_of(cell).split())
                for cell in row.children
                if isinstance(cell, Node) and cell.tag in ("td", "th")
            ]
            if any(cells):
                self._paragraph(html.escape(" · ".join(cells), quote=False))
        if rows:
            self.warn("a table was brought across as one paragraph a row (Masthead bodies have no tables)")


def _remove(node: Node, target: Node) -> bool:
    for index, child in enumerate(node.children):
        if child is target:
            del node.children[index]
            return True
        if isinstance(child, Node) and _remove(child, target):
            return True
    return False


def _all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                found.append(child)
            found.extend(_all(child, tag))
    return found


def _only_image(node: Node) -> bool:
    """A link around an image and nothing else (WordPress links inserted images to their file)."""
    return _find(node, "img") is not None and not _text_of(node).strip()
