"""Site search over the articles: what is found, in which order, through which filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.news.tests.factories import make_article, make_author
from masthead.search import selectors
from masthead.search.selectors import SearchQuery

pytestmark = pytest.mark.django_db


def found(text: str, **filters) -> list[str]:
    query = SearchQuery(terms=selectors.query_terms(text), **filters)
    return [hit.title for hit in selectors.search_articles(query=query).hits]


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def test_finds_words_in_headline_standfirst_body_byline_and_tags(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Harbour cranes stand idle")
    make_article(news, title="Second", standfirst="The harbour authority said nothing.")
    make_article(news, title="Third", body=body("Dockers gathered at the harbour gate."))
    make_article(news, title="Fourth", authors=[make_author("Harbour Smith")])
    make_article(news, title="Fifth", tags=["Harbour"])
    make_article(news, title="Unrelated", body=body("A council meeting about parking."))

    assert sorted(found("harbour")) == ["Fifth", "Fourth", "Harbour cranes stand idle", "Second", "Third"]


def test_headline_matches_come_first(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Budget talks", body=body(" ".join(["The ferry timetable changed."] * 30)), hours_ago=1)
    make_article(news, title="Ferry fares rise", body=body("Prices went up on Monday."), hours_ago=50)

    assert found("ferry") == ["Ferry fares rise", "Budget talks"]


def test_headlines_that_hold_all_the_words_come_newest_first(site_tree):
    # A headline that says the word twice matched "better" for both engines' scores, and
    # pushed last year's story above this morning's; readers want this morning's.
    news = site_tree.sections["news"]
    make_article(news, title="Ferry after ferry cancelled", hours_ago=400)
    make_article(news, title="New ferry timetable", hours_ago=2)
    make_article(news, title="Ferry strike ferry chaos ferry", hours_ago=900)

    assert found("ferry") == ["New ferry timetable", "Ferry after ferry cancelled", "Ferry strike ferry chaos ferry"]


def test_with_any_of_the_words_headlines_holding_more_of_them_come_first(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Ferry fares rise", hours_ago=1)
    make_article(news, title="Ferry strike ends", hours_ago=300)
    make_article(news, title="Strike called off", hours_ago=2)

    assert found("ferry strike", match_any=True)[0] == "Ferry strike ends"


def test_after_the_headline_matches_the_newest_come_first(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Old mention", body=body(" ".join(["The ferry was late."] * 20)), hours_ago=90)
    make_article(news, title="New mention", body=body("One ferry."), hours_ago=3)
    make_article(news, title="Ferry", hours_ago=200)

    assert found("ferry") == ["Ferry", "New mention", "Old mention"]


def test_every_word_must_match_unless_any_is_asked(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Ferry strike ends")
    make_article(news, title="Ferry fares rise")

    assert found("ferry strike") == ["Ferry strike ends"]
    assert sorted(found("ferry strike", match_any=True)) == ["Ferry fares rise", "Ferry strike ends"]


def test_words_may_be_spread_over_headline_body_byline_and_tags(site_tree):
    news = site_tree.sections["news"]
    make_article(
        news, title="Dockers vote", body=body("The ballot closed at noon."), authors=[make_author("Ada Quill")]
    )
    make_article(news, title="Dockers rest", tags=["Ballot"])

    assert found("dockers ballot quill") == ["Dockers vote"]
    assert sorted(found("dockers ballot")) == ["Dockers rest", "Dockers vote"]


def test_common_words_the_engine_ignores_do_not_hide_the_others(site_tree):
    make_article(site_tree.sections["news"], title="The harbour at dawn")

    assert found("the harbour") == ["The harbour at dawn"]
    assert found("harbour of the") == ["The harbour at dawn"]


def test_filters_by_section_author_and_dates(site_tree):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    writer = make_author("Ada Reporter")
    make_article(news, title="Tram news old", published_at=timezone.now() - timedelta(days=40))
    make_article(news, title="Tram news new", authors=[writer])
    make_article(analysis, title="Tram analysis")

    assert sorted(found("tram", section=analysis)) == ["Tram analysis"]
    assert found("tram", author_slug=writer.slug) == ["Tram news new"]
    today = timezone.localdate()
    assert sorted(found("tram", since=today - timedelta(days=5))) == ["Tram analysis", "Tram news new"]
    assert found("tram", until=today - timedelta(days=30)) == ["Tram news old"]


def test_newest_first_when_asked(site_tree):
    news = site_tree.sections["news"]
    make_article(news, title="Bridge older", hours_ago=30)
    make_article(news, title="Bridge newer", hours_ago=2)

    assert found("bridge", newest_first=True) == ["Bridge newer", "Bridge older"]


def test_drafts_and_restricted_articles_are_not_found(site_tree, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    make_article(news, title="Museum draft", publish=False)
    make_article(analysis, title="Museum members only")
    # Committed, as in the admin: the purge that follows retires what workers remember.
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=analysis, restriction_type=PageViewRestriction.PASSWORD, password="x")
    make_article(news, title="Museum opens")

    assert found("museum") == ["Museum opens"]


def test_pages_of_results(site_tree):
    news = site_tree.sections["news"]
    for number in range(selectors.PAGE_SIZE + 3):
        make_article(news, title=f"Lighthouse report {number}", hours_ago=number + 1)
    query = SearchQuery(terms=("lighthouse",), newest_first=True)

    first = selectors.search_articles(query=query, page=1)
    second = selectors.search_articles(query=query, page=2)
    beyond = selectors.search_articles(query=query, page=3)

    assert (first.total, first.page_count, len(first.hits), len(second.hits)) == (13, 2, 10, 3)
    assert first.has_next and not second.has_next and second.has_previous
    assert {hit.article_id for hit in first.hits}.isdisjoint(hit.article_id for hit in second.hits)
    assert beyond.hits == [] and beyond.total == 13


def test_query_terms_keep_words_only():
    hostile = '"harbour" AND (strike* OR -ferry) NEAR/3 \' ; DROP TABLE'
    assert selectors.query_terms(hostile) == ("harbour", "strike", "ferry", "near", "3", "drop", "table")
    assert selectors.query_terms("mayor of the town") == ("mayor", "town")
    assert selectors.query_terms("To Be") == ("to", "be")  # nothing but small words: kept
    assert selectors.query_terms("Zürich  zürich ZÜRICH") == ("zürich",)
    assert selectors.query_terms('""" *** ^^^') == ()
    assert len(selectors.query_terms("word " * 5000)) == 1
    assert len(selectors.query_terms(" ".join(f"w{n}" for n in range(50)))) == selectors.MAX_TERMS
