"""Signed proofs a browser or a mail carries instead of a session.

- The own-comments cookie: which comments this browser wrote, so it may edit or delete
  them for a while (only /comments/ sees it; cached article pages never do).
- The reader cookie: a random id, so one browser likes a comment once.
- The form's issue time: a form sent back sooner than a person could write is a robot's.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing

OWN_COOKIE = "masthead_comments"
READER_COOKIE = "masthead_reader"
COOKIE_PATH = "/comments/"
OWN_SALT = "masthead.comments.own"
FORM_SALT = "masthead.comments.form"
READER_SALT = "masthead.comments.reader"
MAX_OWN = 50
OWN_MAX_AGE = 2 * 24 * 3600
FORM_MAX_AGE = 24 * 3600


def own_comment_ids(request) -> list[int]:
    raw = request.COOKIES.get(OWN_COOKIE, "")
    if not raw:
        return []
    try:
        ids = signing.loads(raw, salt=OWN_SALT, max_age=OWN_MAX_AGE)
    except signing.BadSignature:
        return []
    return [value for value in ids if isinstance(value, int)][:MAX_OWN] if isinstance(ids, list) else []


def remember_own_comment(request, response, comment_id: int) -> None:
    ids = [comment_id, *[known for known in own_comment_ids(request) if known != comment_id]][:MAX_OWN]
    response.set_cookie(
        OWN_COOKIE,
        signing.dumps(ids, salt=OWN_SALT, compress=True),
        max_age=OWN_MAX_AGE,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def reader_key(request) -> tuple[str, str | None]:
    """The key a like is kept under, and a new cookie value to set (None if the browser
    already has one). A signed-in reader is known by their account."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", None
    raw = request.COOKIES.get(READER_COOKIE, "")
    try:
        reader_id = signing.loads(raw, salt=READER_SALT) if raw else None
    except signing.BadSignature:
        reader_id = None
    new_cookie = None
    if not isinstance(reader_id, str):
        reader_id = secrets.token_urlsafe(16)
        new_cookie = signing.dumps(reader_id, salt=READER_SALT)
    key = hashlib.blake2b(reader_id.encode(), digest_size=16, key=settings.SECRET_KEY.encode()[:64]).hexdigest()
    return key, new_cookie


def set_reader_cookie(response, value: str) -> None:
    response.set_cookie(
        READER_COOKIE,
        value,
        max_age=365 * 24 * 3600,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def form_issued_token() -> str:
    return signing.dumps(round(time.time(), 3), salt=FORM_SALT)


def form_age_seconds(token: str) -> float | None:
    """Seconds since the form was shown, or None for a token that is missing, forged or
    older than a day."""
    try:
        issued = signing.loads(token, salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(issued, (int, float)):
        return None
    return time.time() - issued
