"""Video thumbnails, copied to our own media when an embed is resolved.

A thumbnail linked from the provider (i.ytimg.com and the like) would tell the provider
about every reader of the article before anyone clicks Play. The task that resolves an
embed copies the picture once, checked by Pillow, under a name derived from its address;
pages show our copy, or no picture at all.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import logging
import time
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

logger = logging.getLogger(__name__)

# Under media/images/ so that `masthead serve` (and nginx) send them as plain files.
FOLDER = "images/embeds"
MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
TIMEOUT_SECONDS = 10  # for the whole download


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, including the server's own network: not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetchable(url: str) -> bool:
    """Only the providers' own picture hosts (settings.MASTHEAD_EMBED_THUMBNAIL_HOSTS):
    the address comes from a provider's answer, and the server must not be sent to
    fetch anything else."""
    parts = urlsplit(url or "")
    return parts.scheme in {"http", "https"} and parts.hostname in settings.MASTHEAD_EMBED_THUMBNAIL_HOSTS


def _download(url: str) -> bytes | None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    request = urllib.request.Request(url, headers={"User-Agent": "Masthead"})  # noqa: S310 (host checked)
    chunks, size = [], 0
    with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
        if response.status != 200:
            return None
        while chunk := response.read(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES or time.monotonic() > deadline:
                return None
    return b"".join(chunks)


def store_thumbnail(url: str) -> bool:
    """Copy the picture at `url` into our media; True when this call stored a new copy.
    Safe to call twice: an existing copy is kept (and False returned)."""
    if not fetchable(url) or stored_thumbnail_url(url):
        return False
    try:
        data = _download(url)
    except (OSError, ValueError, http.client.HTTPException) as error:
        logger.info("Thumbnail %s not fetched: %s", url, error)
        return False
    if data is None:
        logger.info("Thumbnail %s is larger than %d bytes, too slow, or not there; not kept", url, MAX_BYTES)
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
