"""Video thumbnails, copied to our own media when an embed is resolved.

A thumbnail linked from the provider (i.ytimg.com and the like) would tell the provider
about every reader of the article before anyone clicks Play. The task that resolves an
embed copies the picture once, checked by Pillow, under a name derived from its address;
pages show our copy, or no picture at all.
"""

from __future__ import annotations

import hashlib
import io
import logging
import urllib.request
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

logger = logging.getLogger(__name__)

# Under media/images/ so that `masthead serve` (and nginx) send them as plain files.
FOLDER = "images/embeds"
MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
TIMEOUT_SECONDS = 10


def _name(url: str, extension: str) -> str:
    return f"{FOLDER}/{hashlib.blake2b(url.encode(), digest_size=16).hexdigest()}.{extension}"


def stored_thumbnail_url(url: str) -> str:
    """The address of our copy of the thumbnail at `url`, or "" when there is none."""
    if not url:
        return ""
    for extension in FORMATS.values():
        name = _name(url, extension)
        if default_storage.exists(name):
            return default_storage.url(name)
    return ""


def store_thumbnail(url: str) -> bool:
    """Copy the picture at `url` into our media; True when a copy exists afterwards.
    Safe to call twice: an existing copy is kept."""
    if not url or urlsplit(url).scheme not in {"http", "https"}:
        return False
    if stored_thumbnail_url(url):
        return True
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "Masthead"})  # noqa: S310 (scheme checked)
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
            data = response.read(MAX_BYTES + 1)
    except OSError as error:
        logger.info("Thumbnail %s not fetched: %s", url, error)
        return False
    if len(data) > MAX_BYTES:
        logger.info("Thumbnail %s is larger than %d bytes; not kept", url, MAX_BYTES)
        return False
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
            extension = FORMATS.get(picture.format or "")
    except Exception as error:  # Pillow raises many kinds for a file that is not a picture
        logger.info("Thumbnail %s is not a picture we keep: %s", url, error)
        return False
    if extension is None:
        return False
    default_storage.save(_name(url, extension), ContentFile(data))
    return True
