"""What an embed block shows, built from the provider's stored oEmbed answer.

Nothing here fetches: the answer (and a copy of the thumbnail) was stored when the
article was saved. Players load only when the reader clicks, and no provider script or
picture is ever placed on the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from masthead.core.embed_thumbnails import stored_thumbnail_url

PLAYER_HOSTS = {
    "www.youtube.com": "www.youtube-nocookie.com",
    "www.youtube-nocookie.com": "www.youtube-nocookie.com",
    "player.vimeo.com": "player.vimeo.com",
}
# Providers a reader knows by name, and what following the link does there. An address
# from anywhere else is named by its host.
KNOWN_PROVIDERS = {
    "youtube.com": ("YouTube", "Watch on"),
    "youtu.be": ("YouTube", "Watch on"),
    "vimeo.com": ("Vimeo", "Watch on"),
    "x.com": ("X", "View the post on"),
    "twitter.com": ("X", "View the post on"),
    "instagram.com": ("Instagram", "View the post on"),
    "facebook.com": ("Facebook", "View the post on"),
    "tiktok.com": ("TikTok", "Watch on"),
    "soundcloud.com": ("SoundCloud", "Listen on"),
}
ADDRESS_LENGTH = 60
IFRAME_SRC = re.compile(r"<iframe[^>]*\ssrc=[\"']([^\"']+)[\"']", re.IGNORECASE)
SCRIPT = re.compile(r"<script.*?</script>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class EmbedView:
    kind: str  # "video", "post" or "link"
    title: str = ""
    provider: str = ""
    author: str = ""
    text: str = ""
    thumbnail_url: str = ""
    player_url: str = ""
    action: str = ""  # a link card's call to action: "Watch on YouTube"
    address: str = ""  # the address as a link card shows it, shortened


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")


def link_card(url: str, *, title: str = "", provider: str = "") -> EmbedView:
    """What a reader can do with an embed that is not played or quoted on the page: follow
    it to the provider, named on the card."""
    host = host_of(url)
    known_name, verb = KNOWN_PROVIDERS.get(host, ("", "Open on"))
    name = known_name or provider or host
    split = urlsplit(url)
    address = host + split.path + (f"?{split.query}" if split.query else "")
    if len(address) > ADDRESS_LENGTH:
        address = address[: ADDRESS_LENGTH - 1] + "…"
    return EmbedView(kind="link", title=title, provider=name, action=f"{verb} {name}", address=address)


def player_url_from(html: str) -> str:
    """The provider's player address, when it is a provider whose frames the CSP allows."""
    match = IFRAME_SRC.search(html or "")
    if not match:
        return ""
    url = urlsplit(match.group(1).replace("&amp;", "&"))
    host = PLAYER_HOSTS.get(url.netloc)
    if url.scheme != "https" or host is None:
        return ""
    separator = "&" if url.query else ""
    return url._replace(netloc=host, query=f"{url.query}{separator}autoplay=1").geturl()


def embed_view(url: str, stored) -> EmbedView:
    if stored is None:
        return link_card(url)
    if stored.type == "video":
        return EmbedView(
            kind="video",
            title=stored.title,
            provider=stored.provider_name,
            thumbnail_url=stored_thumbnail_url(stored.thumbnail_url),
            player_url=player_url_from(stored.html),
        )
    if stored.type == "rich" and stored.html:
        # Entities decoded after the tags are gone, so "&lt;b&gt;" in a post is text: the
        # template escapes it again where it is shown.
        text = " ".join(html.unescape(strip_tags(SCRIPT.sub("", stored.html))).split())
        return EmbedView(
            kind="post", title=stored.title, provider=stored.provider_name, author=stored.author_name, text=text
        )
    return link_card(url, title=stored.title, provider=stored.provider_name)
