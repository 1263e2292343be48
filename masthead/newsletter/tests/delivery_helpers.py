"""Editions ready to send, for the delivery tests."""

from __future__ import annotations

from masthead.news.tests.factories import make_article
from masthead.newsletter.bulk import subscribers_bulk_create
from masthead.newsletter.models import Edition, EditionArticle, NewsletterList


def newsletter_list(site, *, slug: str = "daily", **fields) -> NewsletterList:
    return NewsletterList.objects.create(site=site, slug=slug, name=fields.pop("name", "The Daily"), **fields)


def edition_with_article(site_tree, newsletter_list, *, subject: str = "Today's stories", **fields) -> Edition:
    article = make_article(site_tree.sections["news"], title="Harbour bridge reopens after repairs")
    edition = Edition.objects.create(
        newsletter_list=newsletter_list, subject=subject, intro=fields.pop("intro", "Good morning."), **fields
    )
    EditionArticle.objects.create(edition=edition, page=article, position=0)
    return edition


def subscribers(newsletter_list, count: int, *, prefix: str = "reader") -> list[str]:
    subscribers_bulk_create(newsletter_list=newsletter_list, count=count, prefix=prefix)
    return [f"{prefix}-{number}@example.org" for number in range(count)]
