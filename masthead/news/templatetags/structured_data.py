"""`{% load structured_data %}`: schema.org JSON-LD blocks (masthead/news/structured_data.py)."""

from django import template
from django.utils.safestring import mark_safe

from masthead.core.templatetags.masthead import site_settings
from masthead.news import structured_data

register = template.Library()


def _scripts(blocks: list[dict]) -> str:
    return mark_safe(  # noqa: S308 — to_script_text escapes every "<", ">" and "&"
        "".join(
            f'<script type="application/ld+json">{structured_data.to_script_text(block)}</script>' for block in blocks
        )
    )


@register.simple_tag(takes_context=True)
def article_json_ld(context, page, page_url: str) -> str:
    """NewsArticle and BreadcrumbList; the byline and tags are the page's own (lazy) lists."""
    site = site_settings(context)
    return _scripts(
        [
            structured_data.news_article(
                article=page, page_url=page_url, site=site, authors=context["author_links"], tags=context["tags"]
            ),
            structured_data.breadcrumbs(site=site, article=page, page_url=page_url),
        ]
    )


@register.simple_tag(takes_context=True)
def home_json_ld(context) -> str:
    return _scripts(structured_data.home(site=site_settings(context)))
