"""A stored page: the response as sent, with its compressed variants made once."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from dataclasses import dataclass, field
from email.utils import formatdate

import brotli

# Headers that belong to one response and must not be replayed from the cache.
NOT_STORED = {
    "content-length",
    "content-encoding",
    "set-cookie",
    "date",
    "vary",
    "x-masthead-cache-keys",
    "x-masthead-cache-query",
    "x-masthead-cache-seconds",
    "x-fragments",
}
COMPRESS_MIN_BYTES = 512
BROTLI_QUALITY = 5


@dataclass(frozen=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: str
    gzip: bytes = b""
    br: bytes = b""
    keys: tuple[str, ...] = field(default=())
    # Wall-clock time after which a short-lived entry is gone (public.mark_short_lived).
    expires: float | None = None

    @classmethod
    def build(cls, *, status: str, headers: list[tuple[str, str]], body: bytes, keys=(), seconds=None) -> Entry:
        kept = [(name, value) for name, value in headers if name.lower() not in NOT_STORED]
        compressible = len(body) >= COMPRESS_MIN_BYTES
        return cls(
            status=status,
            headers=kept,
            body=body,
            etag='"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
            last_modified=formatdate(usegmt=True),
            gzip=gzip.compress(body, 6, mtime=0) if compressible else b"",
            # Quality 5: on a 37 KB page about 2 ms and within 1% of quality 9's size,
            # which takes ten times as long; every page-cache miss pays it, and after a
            # purge every reader of a busy story waits behind one.
            br=brotli.compress(body, quality=BROTLI_QUALITY) if compressible else b"",
            keys=tuple(sorted(set(keys))),
            expires=None if seconds is None else time.time() + seconds,
        )

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= time.time()

    def meta(self) -> str:
        return json.dumps(
            {
                "status": self.status,
                "headers": self.headers,
                "etag": self.etag,
                "last_modified": self.last_modified,
                "keys": list(self.keys),
                "expires": self.expires,
            }
        )

    @classmethod
    def from_parts(cls, meta: str | bytes, body: bytes, gzip_body: bytes, br_body: bytes) -> Entry:
        data = json.loads(meta)
        return cls(
            status=data["status"],
            headers=[tuple(pair) for pair in data["headers"]],
            body=body,
            etag=data["etag"],
            last_modified=data["last_modified"],
            gzip=gzip_body,
            br=br_body,
            keys=tuple(data.get("keys", ())),
            expires=data.get("expires"),
        )
