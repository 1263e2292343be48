"""A WordPress export's image attachments as images in Masthead's media library.

The export names each file by address only; the file itself comes from `--media-dir`
(a copy of the site's `wp-content/uploads`) or `--media-base-url` (where those uploads
can still be fetched, e.g. the old site before switch-over). Either way a file must be
an image Pillow can read, of a kind the library takes and of a sane size; anything else
is reported and the article keeps a link instead. A file is never looked for outside
the media folder, and a fetch follows no redirect to another host.

An attachment's place under the uploads folder is WordPress's `_wp_attached_file` meta
when the export has it, else the part of its address after `wp-content/uploads/`, else
its address's path (exports of WordPress.com sites keep files at the host's root).
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import requests
from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image, UnidentifiedImageError
from wagtail.utils.file import hash_filelike

from masthead.core.models import NewsImage
from masthead.wordpress_import import wxr

MAX_BYTES = 30 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 20
UPLOADS = "/wp-content/uploads/"
MAX_TITLE = 255
# WordPress's resized copies: photo-300x200.jpg for photo.jpg; a body often shows one.
_SIZE_SUFFIX = re.compile(r"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]{2,5}$)")


class MediaMissing(Exception):
    """The attachment's file could not be had; the message says why."""


@dataclass(frozen=True)
class MediaSource:
    media_dir: Path | None = None
    base_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.media_dir or self.base_url)

    def read(self, relative: str) -> bytes:
        if self.media_dir is not None:
            found = self._from_folder(relative)
            if found is not None:
                return found
        if self.base_url:
            return self._fetched(relative)
        raise MediaMissing(f"{relative} is not in {self.media_dir}")

    def _from_folder(self, relative: str) -> bytes | None:
        root = self.media_dir.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise MediaMissing(f"{relative} points outside the media folder")
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_BYTES:
            raise MediaMissing(f"{relative} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()

    def _fetched(self, relative: str) -> bytes:
        url = urljoin(self.base_url.rstrip("/") + "/", quote(relative))
        try:
            response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS, stream=True, allow_redirects=False)
        except requests.RequestException as error:
            raise MediaMissing(f"{url} could not be fetched ({type(error).__name__})") from None
        with response:
            if response.status_code != 200:
                raise MediaMissing(f"{url} answered {response.status_code}")
            data = response.raw.read(MAX_BYTES + 1, decode_content=True)
        if len(data) > MAX_BYTES:
            raise MediaMissing(f"{url} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return data


def relative_path(item: wxr.Item) -> str:
    attached = item.meta.get("_wp_attached_file", "").strip()
    if attached and not attached.startswith(("/", "http:", "https:")):
        return posixpath.normpath(attached)
    try:
        path = unquote(urlsplit(item.attachment_url or item.guid).path)
    except ValueError:
        return ""
    if UPLOADS in path:
        path = path.split(UPLOADS, 1)[1]
    return posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""


def address_keys(url: str) -> list[str]:
    """An image address as a body cites it, as keys to match its attachment by whatever
    the host, scheme or query: its path under the uploads folder, then that path without
    a WordPress size suffix (`2008/06/photo.jpg` for `.../uploads/2008/06/photo-300x200.jpg`,
    a resized copy of photo.jpg). An attachment registers only the first: a file may
    carry such a suffix in its own name (image-alignment-580x300.jpg)."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return []
    if UPLOADS in path:
        path = path.split(UPLOADS, 1)[1]
    exact = path.lstrip("/").lower()
    if not exact:
        return []
    return list(dict.fromkeys([exact, _SIZE_SUFFIX.sub("", exact)]))


def checked_image(data: bytes, name: str) -> tuple[str, int, int]:
    """The file's extension, width and height, or MediaMissing if it is not an image the
    library takes."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = (image.format or "").lower(), image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise MediaMissing(f"{name} is not an image that can be read") from None
    extension = {"jpeg": "jpg", "mpo": "jpg"}.get(kind, kind)
    if extension not in settings.WAGTAILIMAGES_EXTENSIONS:
        raise MediaMissing(
            f"{name} is a {kind or 'file'} image; the library takes {', '.join(settings.WAGTAILIMAGES_EXTENSIONS)}"
        )
    if width * height > getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000):
        raise MediaMissing(f"{name} has more pixels than the library takes")
    return extension, width, height


def save_image(item: wxr.Item, data: bytes, *, existing: NewsImage | None) -> NewsImage:
    """A library image for the attachment (the one imported before, its file replaced
    only when the file changed)."""
    name = posixpath.basename(relative_path(item)) or f"attachment-{item.wordpress_id}"
    extension, _, _ = checked_image(data, name)
    stem = posixpath.splitext(name)[0][:80] or f"attachment-{item.wordpress_id}"
    image = existing or NewsImage()
    image.title = (" ".join(item.title.split()) or stem)[:MAX_TITLE]
    image.description = " ".join(item.meta.get("_wp_attachment_image_alt", "").split())[:255]
    image.default_caption = " ".join(item.excerpt.split())[:500]
    if existing is None or existing.file_hash != hash_filelike(io.BytesIO(data)):
        image.file = ImageFile(io.BytesIO(data), name=f"{stem}.{extension}")
        image._set_image_file_metadata()  # Wagtail's own size and hash, as its upload form sets them
    image.save()
    return image
