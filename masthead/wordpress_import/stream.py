"""Body pieces (bodies.py) as the raw data of an article's body StreamField, checked
against the body's own blocks, so what is saved is what an editor could have written.

Images need the media library: `image_for(piece)` gives the id of the library image a
piece stands for, or None. An image the library does not have (media not found, offline)
keeps a link to where it was and a warning, so nothing silently disappears.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from masthead.core.blocks import ArticleBodyBlock, BlockquoteBlock, EmbedBlock, FigureBlock, HeadingBlock
from masthead.wordpress_import.bodies import Piece

ImageFinder = Callable[[Piece, int | None], int | None]


def _limit(block, name: str) -> int:
    return block.child_blocks[name].field.max_length


MAX_HEADING = _limit(HeadingBlock(), "text")
MAX_CAPTION = _limit(FigureBlock(), "caption")
MAX_ALT = _limit(FigureBlock(), "alt_text")
MAX_ATTRIBUTION = _limit(BlockquoteBlock(), "attribution")
MAX_EMBED_CAPTION = _limit(EmbedBlock(), "caption")
MAX_PULL_QUOTE = 400


def stream_data(
    pieces: list[Piece],
    image_for: ImageFinder,
    *,
    post_attachments: list[int] | tuple = (),
    link_for: Callable[[int], str | None] = lambda attachment: None,
) -> tuple[list[dict], list[str]]:
    """The body's raw StreamField data and what could not come across as it was."""
    data: list[dict] = []
    warnings: list[str] = []
    for piece in pieces:
        for block in _blocks(piece, _Images(image_for, link_for), warnings, post_attachments):
            if _valid(block):
                data.append(block)
            else:
                text = strip_tags(block_text_of(block)).strip()
                warnings.append(f"a {block['type']} block was not valid and was kept as a paragraph")
                if text:
                    data.append(_paragraph(html.escape(text, quote=False)))
    return data, warnings


@dataclass(frozen=True)
class _Images:
    find: ImageFinder  # the library image's id, or None
    link: Callable[[int], str | None]  # else where the attachment was, for the link kept instead


def _blocks(piece: Piece, image_for: _Images, warnings: list[str], post_attachments=()) -> list[dict]:
    kind = piece.kind
    if kind in ("paragraph", "list"):
        return [_paragraph(piece.html)]
    if kind == "heading":
        return [{"type": "heading", "value": {"text": piece.text[:MAX_HEADING], "level": f"h{piece.level}"}}]
    if kind == "quote":
        return [
            {
                "type": "blockquote",
                "value": {
                    "quote": f"<p>{piece.html}</p>",
                    "attribution": piece.attribution[:MAX_ATTRIBUTION],
                    "source_url": piece.url,
                },
            }
        ]
    if kind == "pull_quote":
        quote = " ".join(html.unescape(strip_tags(piece.html.replace("<br>", " "))).split())
        return [
            {
                "type": "pull_quote",
                "value": {"quote": quote[:MAX_PULL_QUOTE], "attribution": piece.attribution[:MAX_ATTRIBUTION]},
            }
        ]
    if kind == "preformatted":
        return [{"type": "preformatted", "value": piece.text}]
    if kind == "embed":
        return [{"type": "embed", "value": {"url": piece.url, "caption": piece.caption[:MAX_EMBED_CAPTION]}}]
    if kind == "image":
        return [_image(piece, piece.attachment_ids[0] if piece.attachment_ids else None, image_for, warnings)]
    if kind == "gallery":
        attachments = piece.attachment_ids or tuple(post_attachments)  # [gallery] alone: the post's own images
        if not attachments:
            warnings.append("a gallery of all the post's images was left out (the post has none)")
            return []
        return [_image(piece, attachment, image_for, warnings) for attachment in attachments]
    warnings.append(f"a {kind} piece has no Masthead block")
    return []


def _paragraph(markup: str) -> dict:
    # A list stands on its own; inline text goes in a paragraph, as Wagtail's editor stores it.
    source = markup if re.match(r"\s*<(ul|ol)\b", markup) else f"<p>{markup}</p>"
    return {"type": "paragraph", "value": source}


def _image(piece: Piece, attachment: int | None, images: _Images, warnings: list[str]) -> dict:
    image_id = images.find(piece, attachment)
    if image_id is None:
        url = piece.url or (images.link(attachment) if attachment is not None else "") or ""
        warnings.append(f"an image not in the media library was kept as a link ({url or f'attachment {attachment}'})")
        name = posixpath.basename(urlsplit(url).path) if url.startswith(("http://", "https://")) else ""
        label = html.escape(piece.caption or piece.alt or name or "Image", quote=False)
        if url.startswith(("http://", "https://")):
            return _paragraph(f'<a href="{html.escape(url)}">{label}</a>')
        return _paragraph(label)
    return {
        "type": "image",
        "value": {
            "image": image_id,
            "caption": piece.caption[:MAX_CAPTION],
            "credit": "",
            "alt_text": piece.alt[:MAX_ALT],
        },
    }


_BODY_BLOCK = ArticleBodyBlock()


def _valid(block: dict) -> bool:
    child = _BODY_BLOCK.child_blocks.get(block["type"])
    if child is None:
        return False
    try:
        child.clean(child.to_python(block["value"]))
    except (ValidationError, ValueError, TypeError, KeyError):
        return False
    return True


def block_text_of(block: dict) -> str:
    value = block["value"]
    if isinstance(value, str):
        return value
    return " ".join(str(part) for part in value.values() if isinstance(part, str))
