"""The signed links every newsletter mail carries, shared by the mails that put them in
(confirmation, editions) and the views that answer them.

A token is a `django.core.signing` value with a salt per purpose, so a token made to
confirm never unsubscribes and the other way round. It names the subscriber, its address
and its `link_version`: raising the version (or changing the address) retires every link
mailed before. Confirmation links expire; the links in editions do not (RFC 8058 asks
that an unsubscribe link keep working, and a reader may open an old mail).

    /newsletter/confirm/<token>/        GET: a page with a button; POST: confirms
    /newsletter/preferences/<token>/    GET: the lists, pause, unsubscribe; POST: saves
    /newsletter/unsubscribe/<token>/    GET: a page with a button; POST: unsubscribes
                                        (also RFC 8058's one-click POST from the mail app)

A confirmation link does its work on POST, not GET, because mail scanners and link
previews open every link in a mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "masthead.newsletter.confirm"
PREFERENCES_SALT = "masthead.newsletter.preferences"
UNSUBSCRIBE_SALT = "masthead.newsletter.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600

PURPOSES = {
    "confirm": (CONFIRM_SALT, CONFIRM_MAX_AGE),
    "preferences": (PREFERENCES_SALT, None),
    "unsubscribe": (UNSUBSCRIBE_SALT, None),
}


class BadLink(Exception):
    """A token that is forged, altered, for another purpose, retired or expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class LinkHolder:
    """Whom a valid token names. The view still checks the subscriber exists with the
    same address and version (`matches`)."""

    subscriber_id: int
    email: str
    version: int
    signed_at: float = 0.0  # when the link was made (seconds since the epoch)

    def matches(self, subscriber) -> bool:
        return (
            subscriber.pk == self.subscriber_id
            and subscriber.email.lower() == self.email.lower()
            and subscriber.link_version == self.version
        )


def make_token(subscriber, purpose: str) -> str:
    salt, _ = PURPOSES[purpose]
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email, "v": subscriber.link_version}, salt=salt)


def read_token(token: str, purpose: str) -> LinkHolder:
    salt, max_age = PURPOSES[purpose]
    if len(token) > 1000:
        raise BadLink("This link is not one of ours.")
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("This link has expired.", expired=True) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadLink("This link is not one of ours.") from None
    if not (
        isinstance(value, dict)
        and isinstance(value.get("s"), int)
        and isinstance(value.get("e"), str)
        and isinstance(value.get("v"), int)
    ):
        raise BadLink("This link is not one of ours.")
    # The time the signer put in the token (checked by the signature, "payload:time:sig").
    signed_at = signing.b62_decode(token.rsplit(":", 2)[1])
    return LinkHolder(value["s"], value["e"], value["v"], float(signed_at))


def path(subscriber, purpose: str) -> str:
    return f"/newsletter/{purpose}/{make_token(subscriber, purpose)}/"


def absolute_url(subscriber, purpose: str) -> str:
    """For mails: links in a mail must be absolute (SITE_URL from the environment)."""
    return settings.SITE_URL.rstrip("/") + path(subscriber, purpose)
