"""What an embed block shows, built from the provider's stored oEmbed answer.

Nothing here fetches: the answer (and a copy of the thumbnail) was stored when the
article was saved. Players load only when the reader clicks, and no provider script or
picture is ever placed on the page.
"""

from __future__ import annotations

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
        return EmbedView(kind="link")
    if stored.type == "video":
        return EmbedView(
            kind="video",
            title=stored.title,
            provider=stored.provider_name,
            thumbnail_url=stored_thumbnail_url(stored.thumbnail_url),
            player_url=player_url_from(stored.html),
        )
    if stored.type == "rich" and stored.html:
        text = " ".join(strip_tags(SCRIPT.sub("", stored.html)).split())
        return EmbedView(
            kind="post", title=stored.title, provider=stored.provider_name, author=stored.author_name, text=text
        )
    return EmbedView(kind="link", title=stored.title, provider=stored.provider_name)
