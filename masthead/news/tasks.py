"""Background work for articles. Every task is safe to run twice."""

import logging

from django.tasks import task
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException

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
    for block in article.body:
        if block.block_type != "embed":
            continue
        try:
            get_embed(block.value["url"])
            resolved += 1
        except (EmbedException, OSError, ValueError) as error:
            failed += 1
            logger.info("Embed %s not resolved: %s", block.value["url"], error)
    return {"resolved": resolved, "failed": failed}
