"""Background work for articles. Every task is safe to run twice."""

import logging

import requests
from django.tasks import task
from wagtail.embeds.embeds import get_embed, get_embed_hash
from wagtail.embeds.exceptions import EmbedException
from wagtail.embeds.models import Embed

from masthead.core.embed_thumbnails import store_thumbnail
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.purge import purge_keys

logger = logging.getLogger(__name__)


@task()
def resolve_embeds(page_id: int) -> dict:
    """Ask each embed's provider once and store the answer for rendering.

    A provider that cannot be reached leaves no stored answer, and the block renders as
    a link card; the next save of the article asks again.
    """
    from masthead.news.models import ArticlePage

    page = ArticlePage.objects.filter(pk=page_id).first()
    if page is None:
        return {"resolved": 0, "failed": 0}
    revision = page.latest_revision
    article = revision.as_object() if revision else page
    resolved = failed = 0
    changed = False
    for block in article.body:
        if block.block_type != "embed":
            continue
        url = block.value["url"]
        known = Embed.objects.filter(hash=get_embed_hash(url)).exists()
        try:
            embed = get_embed(url)
            resolved += 1
        except (EmbedException, OSError, ValueError) as error:
            failed += 1
            logger.warning("Embed %s not resolved: %s", url, why_not_resolved(error))
            continue
        if embed.type == "video":
            try:
                changed |= store_thumbnail(embed.thumbnail_url)
            except Exception as error:  # the picture is optional: the other embeds and the purge go on
                logger.warning("Thumbnail of %s not stored: %s", url, first_line(error))
        changed |= not known
    if changed and page.live:
        # Readers may have been shown (and the cache stored) link cards while this ran.
        purge_keys(cache_keys.article(page_id))
    return {"resolved": resolved, "failed": failed}


def why_not_resolved(error: Exception) -> str:
    """A few words for the log line: the HTTP library's own message runs to several
    nested exceptions, repeated for every embed of every article saved while offline."""
    cause = error.__cause__
    if isinstance(cause, requests.Timeout):
        return "the provider did not answer in time"
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        return f"the provider answered HTTP {cause.response.status_code}"
    if isinstance(cause, requests.ConnectionError):
        return "the provider could not be reached"
    if isinstance(cause, requests.RequestException):
        return "the provider's answer could not be read"
    if isinstance(error, EmbedException) and not str(error):
        return "no provider is known for this address"
    return first_line(error)


def first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:100]}" if text else type(error).__name__
