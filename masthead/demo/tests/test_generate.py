"""`masthead generate` writes a valid page tree in bulk that the site serves like any other."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from masthead.news.models import ArticlePage, SectionPage
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_generated_articles_are_a_valid_tree_and_are_served(client, site_tree):
    make_article(site_tree.sections["news"], title="Written by hand")

    call_command("generate", articles=120, authors=7, sections=4, tags=15, years=2, stdout=io.StringIO())

    assert ArticlePage.objects.live().count() == 121
    assert SectionPage.objects.count() == 4
    problems = Page.find_problems()
    assert not any(problems), problems
    generated = ArticlePage.objects.exclude(title="Written by hand").order_by("?").first()
    response = client.get(generated.url)
    assert response.status_code == 200
    assert generated.title.encode() in response.content
    section_page = client.get(generated.get_parent().url)
    assert section_page.status_code == 200
    assert client.get("/latest/").status_code == 200
    # Adding to the tree by hand still works after the bulk load.
    make_article(generated.get_parent().specific, title="After the bulk load")


def test_generate_refuses_nonsense_sizes(site_tree):
    with pytest.raises(SystemExit):
        call_command("generate", articles=0, stdout=io.StringIO(), stderr=io.StringIO())


def test_generate_leaves_the_planner_statistics_current(site_tree):
    """Bulk inserts without ANALYZE leave PostgreSQL planning an article's tags as a hash
    of every tag (found measuring cold renders at 100,000 articles)."""
    from django.db import connection

    call_command("generate", articles=60, authors=3, sections=2, tags=9, years=1, stdout=io.StringIO())

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'news_articletag'")
            assert cursor.fetchone()[0] >= 60
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'news_articletag'")
            assert cursor.fetchone()[0] > 0
