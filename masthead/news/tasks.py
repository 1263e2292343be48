"""Background work for articles. Every task is safe to run twice."""

import logging

from django.tasks import task
from wagtail.embeds.embeds import get_embed, get_embed_hash
from wagtail.embeds.exceptions import EmbedException
from wagtail.embeds.models import Embed

from masthead.core.embed_thumbnails import store_thumbnail
from masthead.pagecache.purge import purge_keys

logger = logging.getLogger(__name__)


@task()
def resolve_embeds(page_id: int) -> dict:
    """Ask each embed's provider once and store the answer for rendering.

    A provider that cannot be reached leaves no stored answer, and the block renders as
    a plain link; the next save of the article asks again.
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
            logger.info("Embed %s not resolved: %s", url, error)
            continue
        if embed.type == "video":
            try:
                changed |= store_thumbnail(embed.thumbnail_url)
            except Exception:  # the picture is optional: the other embeds and the purge go on
                logger.exception("Thumbnail of %s not stored", url)
        changed |= not known
    if changed and page.live:
        # Readers may have been shown (and the cache stored) plain links while this ran.
        purge_keys(f"article-{page_id}")
    return {"resolved": resolved, "failed": failed}
