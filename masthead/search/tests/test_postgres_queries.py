"""What a search asks PostgreSQL: the words as constants it folds once, not a function it
calls again for every row it looks at."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.news.tests.factories import make_article
from masthead.search import selectors
from masthead.search.selectors import SearchQuery

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_words_are_parsed_once_per_search_not_once_per_row(site_tree):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text search; the PostgreSQL pass runs this")
    for hours in range(3):
        make_article(site_tree.sections["news"], title=f"Harbour cranes {hours}", hours_ago=hours)

    with CaptureQueriesContext(connection) as captured:
        results = selectors.search_articles(query=SearchQuery(terms=("harbour", "cranes")))
    assert len(results.hits) == 3
    searches = [query["sql"] for query in captured if "@@" in query["sql"]]
    assert len(searches) == 2  # the count and the ranked page

    with connection.cursor() as cursor:
        for sql in searches:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # to_tsquery('harbour') with the server's default configuration is only
            # stable, so PostgreSQL called it for each row; named, it is a constant.
            assert "to_tsquery" not in plan and "'''harbour'''::tsquery" in plan, plan


def test_counting_the_matches_sorts_nothing(site_tree):
    """Pages come in the tree's order by default: the count walked the articles in it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans; the PostgreSQL pass runs this")
    make_article(site_tree.sections["news"], title="Ferry fares rise")
    with CaptureQueriesContext(connection) as captured:
        assert selectors.search_articles(query=SearchQuery(terms=("ferry",))).total == 1

    counts = [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]
    assert counts and not any("ORDER BY" in sql.upper() for sql in counts), counts


def _headline_group_sql(captured) -> str:
    ranked = next(query["sql"] for query in captured if query["sql"].startswith("(SELECT"))
    return ranked.split("UNION ALL")[0]


def test_headlines_that_seldom_hold_all_the_words_are_sorted_not_walked(site_tree, monkeypatch):
    """Each word in many articles, both in few headlines: PostgreSQL guessed ten times too
    many headline matches and walked the date index through 19,500 articles for a page
    (100 ms at 100,000 articles). The headline index counts them first."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans; the PostgreSQL pass runs this")
    from masthead.search.backends import postgres

    monkeypatch.setattr(postgres, "DENSE", 3)
    monkeypatch.setattr(selectors, "MAX_RESULTS", 2)  # more matches than this: not "few"
    news = site_tree.sections["news"]
    make_article(news, title="Harbour ruling appealed")
    for number in range(4):
        make_article(news, title=f"Harbour news {number}", standfirst="The ruling stands.")

    with CaptureQueriesContext(connection) as captured:
        selectors.search_articles(query=SearchQuery(terms=("harbour", "ruling")))
    assert '"published_at" + ' in _headline_group_sql(captured)  # sorted: no index walks it

    for number in range(3):
        make_article(news, title=f"Harbour ruling {number}")
    with CaptureQueriesContext(connection) as captured:
        selectors.search_articles(query=SearchQuery(terms=("harbour", "ruling")))
    assert '"published_at" + ' not in _headline_group_sql(captured)  # many: newest first by the index
