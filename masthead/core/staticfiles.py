"""Static file storage: production's (hashed, minified, compressed) and the development
server's (the same, falling back to the apps' folders before any collectstatic)."""

from __future__ import annotations

import re
from collections.abc import Callable

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Masthead's own scripts and stylesheets, written to be read (comments that say why):
# readers get them without comments and spaces (docs/decisions/0012). Wagtail's admin
# files and other apps' come minified already and are left as they are.
OWN_PREFIXES = ("masthead/", "pagecache/")
# rcssmin keeps "0.25rem"; ".25rem" is the same length to CSS and one byte less to send
# (over a hundred times in site.css). Strings and url()s are left exactly as written.
_CSS_LITERALS = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|url\([^)]*\))")
_LEADING_ZERO = re.compile(r"(?<=[:\s,(/])0\.(?=\d)")


def minify_css(source: str) -> str:
    parts = _CSS_LITERALS.split(rcssmin.cssmin(source))
    return "".join(part if index % 2 else _LEADING_ZERO.sub(".", part) for index, part in enumerate(parts))


MINIFIERS: dict[str, Callable[[str], str]] = {".js": rjsmin.jsmin, ".css": minify_css}


def minifier_for(name: str) -> Callable[[str], str] | None:
    if not name.startswith(OWN_PREFIXES) or ".min." in name:
        return None
    return MINIFIERS.get(name[name.rfind(".") :])


def served_text(name: str, source: str) -> str:
    """What a reader is sent for the static file `name` whose source is `source`."""
    minify = minifier_for(name)
    return minify(source) if minify else source


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Production's storage: Masthead's own scripts and stylesheets minified as they are
    collected, then hashed and compressed by whitenoise and served as immutable.

    Minifying in `_save` covers both the copy collectstatic makes and the hashed copy the
    manifest writes after rewriting a stylesheet's `url()`s; minifying twice is harmless."""

    def _save(self, name, content):
        if minifier_for(name):
            content.seek(0)
            content = ContentFile(served_text(name, content.read().decode("utf-8")).encode("utf-8"))
        return super()._save(name, content)


class CollectedOrSourceStaticFilesStorage(MinifiedStaticFilesStorage):
    """Production's storage: hashed, minified, compressed copies named by the manifest that
    `masthead collectstatic` writes (`make run` runs it), which whitenoise serves as
    immutable. A file not collected yet keeps its plain name, which whitenoise serves from
    the app's own folder, so a server started by hand before any collectstatic still works."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor in STATIC_ROOT to hash
            return name
