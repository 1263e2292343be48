"""The site's comment policy: whether a new comment is refused, held for a moderator,
or published at once. No third party is needed; the optional spam checker is one more
voice (masthead.comments.spamcheck)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.utils import timezone

from masthead.comments.models import Ban, Comment, CommentSettings, ModerationPolicy
from masthead.comments.text import link_count
from masthead.pagecache import fragments
from masthead.pagecache.memory import WorkerMemory


@dataclass(frozen=True)
class Decision:
    status: str
    hold_reason: str = ""


# Every post asks whether its author is banned. Bans change a few times a day, so each
# worker keeps the list until a ban is saved or deleted (invalidation.bans_changed purges
# this key) instead of asking the database on every post.
BANS_KEY = "comment-bans"
_bans = WorkerMemory("comment-bans", max_entries=1)


class BanList:
    """Every ban, looked up by email and address in one step; ranges are checked in turn."""

    def __init__(self, bans):
        self.emails: dict[str, list] = {}
        self.ips: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, list] = {}
        self.networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, object]] = []
        for ban in bans:
            try:
                if ban.kind == Ban.Kind.EMAIL:
                    self.emails.setdefault(ban.value.lower(), []).append(ban.expires_at)
                elif ban.kind == Ban.Kind.IP:
                    self.ips.setdefault(ipaddress.ip_address(ban.value), []).append(ban.expires_at)
                else:
                    self.networks.append((ipaddress.ip_network(ban.value, strict=False), ban.expires_at))
            except ValueError:  # a value saved before it was checked can ban nobody
                continue

    def matches(self, *, email: str, ip: str | None, now) -> bool:
        def active(expiries) -> bool:
            return any(expires is None or expires > now for expires in expiries)

        if email and active(self.emails.get(email.lower(), ())):
            return True
        if not ip:
            return False
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        if active(self.ips.get(address, ())):
            return True
        return any(address in network and active([expires]) for network, expires in self.networks)


def ban_list() -> BanList:
    return fragments.remember(_bans, "every-ban", lambda: BanList(Ban.objects.all()), keys={BANS_KEY})


def is_banned(*, email: str, ip: str | None) -> bool:
    return ban_list().matches(email=email, ip=ip, now=timezone.now())


def has_approved_comment(*, email: str, user_id: int | None) -> bool:
    if user_id:
        return Comment.objects.filter(user_id=user_id, status=Comment.Status.APPROVED).exists()
    # Addresses are kept in lower case (services.comment_create): an exact match uses the
    # comment_by_email index, where a case-blind one reads every comment of the site.
    return bool(email) and Comment.objects.filter(author_email=email.lower(), status=Comment.Status.APPROVED).exists()


def decide(
    *, settings: CommentSettings, body: str, email: str, user_id: int | None, is_staff: bool, spam_verdict=None
) -> Decision:
    """`spam_verdict`, when given, is called last and says True for spam."""
    if is_staff:
        return Decision(Comment.Status.APPROVED)
    folded = body.casefold()
    for word in settings.blocked_word_list():
        if word in folded:
            return Decision(Comment.Status.PENDING, "contains a blocked word")
    if link_count(body) > settings.max_links:
        return Decision(Comment.Status.PENDING, f"more than {settings.max_links} links")
    if spam_verdict is not None and spam_verdict():
        return Decision(Comment.Status.SPAM, "the spam checker's verdict")
    if settings.moderation == ModerationPolicy.EVERYONE:
        return Decision(Comment.Status.PENDING, "every comment is reviewed")
    if settings.moderation == ModerationPolicy.FIRST_TIME and not has_approved_comment(email=email, user_id=user_id):
        return Decision(Comment.Status.PENDING, "first comment from this address")
    return Decision(Comment.Status.APPROVED)
