"""The search page: what a reader sees, and what bad or hostile input gets instead of a 500."""

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.comments.tests.hostile import XSS, Baseline, assert_nothing_injected
from masthead.news.tests.factories import make_article, make_author, make_image
from masthead.pagecache.tests.helpers import assert_cacheable, cached_site, wsgi_request
from masthead.search import selectors, views

pytestmark = pytest.mark.django_db


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def texts(response, selector_class: str) -> list[str]:
    return [
        "".join(element.itertext()).strip()
        for element in parse(response).iter()
        if selector_class in (element.get("class") or "").split()
    ]


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def test_the_empty_search_page_is_a_cacheable_form(client, site_tree):
    response = client.get("/search/")

    assert_cacheable(response)
    page = parse(response)
    assert page.find(".//form[@role='search'][@action='/search/']/*//input[@name='q']") is not None
    assert page.find(".//meta[@name='robots']").get("content") == "noindex, follow"


def test_every_page_has_a_search_box_in_its_header(client, site_tree):
    article = make_article(site_tree.sections["news"])

    for path in ["/", "/latest/", "/news/", article.url]:
        header = parse(client.get(path)).find(".//header[@class='site-header']")
        search_form = header.find(".//form[@role='search']")
        assert search_form.get("action") == "/search/" and search_form.find(".//input[@name='q']") is not None, path


def test_results_show_headline_and_snippet_with_the_words_marked(client, site_tree):
    news = site_tree.sections["news"]
    make_article(
        news,
        title="Harbour workers strike",
        authors=[make_author("Ada Reporter")],
        body=body("Cranes stood still on Monday. The harbour's owners & the union met at noon."),
    )
    make_article(news, title="Council budget", body=body("Nothing about the sea."))

    response = client.get("/search/", {"q": "harbour"})

    assert_cacheable(response)
    assert texts(response, "search-summary") == ["1 result for harbour, 1–1 shown"]
    result = next(element for element in parse(response).iter("li") if element.get("class") == "search-result")
    assert [mark.text for mark in result.iter("mark")] == ["Harbour", "harbour"]
    snippet = "".join(result.find(".//p[@class='search-result__snippet']").itertext())
    assert "The harbour's owners & the union met at noon." in snippet
    assert "By Ada Reporter" in "".join(result.find(".//p[@class='card__meta']").itertext())


def test_pages_of_results_link_to_each_other_and_keep_the_filters(client, site_tree):
    news = site_tree.sections["news"]
    for number in range(selectors.PAGE_SIZE + 2):
        make_article(news, title=f"Tide table {number}", hours_ago=number + 1)

    first = client.get("/search/", {"q": "tide", "section": news.pk, "order": "newest"})
    next_link = parse(first).find(".//a[@rel='next']").get("href")
    second = client.get("/search/" + next_link)

    assert next_link.startswith("?") and "page=2" in next_link and f"section={news.pk}" in next_link
    assert texts(second, "search-summary") == ["12 results for tide, 11–12 shown"]
    assert parse(second).find(".//a[@rel='prev']") is not None and parse(second).find(".//a[@rel='next']") is None


def test_no_results_suggest_any_of_the_words_all_sections_and_the_latest(client, site_tree):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    make_article(news, title="Ferry strike ends")
    make_article(analysis, title="Ferry fares rise")
    make_article(analysis, title="Strike season explained")
    make_article(analysis, title="Why the weather turned", hours_ago=0.5)

    response = client.get("/search/", {"q": "ferry strike", "section": analysis.pk})

    assert response.status_code == 200
    empty = "".join(parse(response).find(".//section[@class='search-empty']").itertext())
    assert "No articles match ferry strike with these filters" in empty
    links = {"".join(link.itertext()): link.get("href") for link in parse(response).iter("a")}
    some_words = links["2 articles match some of these words"]
    assert "match=any" in some_words and f"section={analysis.pk}" in some_words
    everywhere = links["1 article matches in every section and date"]
    assert "section" not in everywhere and "q=ferry" in everywhere
    assert "Why the weather turned" in links
    assert texts(client.get("/search/" + some_words), "search-summary") == [
        "2 results for ferry strike (any of the words), 1–2 shown"
    ]


def test_filters_narrow_and_say_so_when_they_are_wrong(client, site_tree):
    news = site_tree.sections["news"]
    ada = make_author("Ada Reporter")
    make_article(news, title="Storm warning", authors=[ada])
    make_article(news, title="Storm passes")

    by_name = client.get("/search/", {"q": "storm", "author": "ada reporter"})
    by_slug = client.get("/search/", {"q": "storm", "author": ada.slug})

    assert texts(by_name, "search-summary") == texts(by_slug, "search-summary") == ["1 result for storm, 1–1 shown"]
    for parameters, message in [
        ({"author": "Nobody Known"}, "No author is called “Nobody Known”"),
        ({"section": "99999"}, "That section does not exist"),
        ({"section": "news"}, "That section does not exist"),
        ({"since": "2026-13-45"}, "Enter a valid date"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "The end date is before the start date"),
        ({"page": "0"}, "Pages are counted from 1"),
        ({"page": "abc"}, "Pages are counted in whole numbers"),
        ({"page": "51"}, "Results go 50 pages deep"),
        ({"page": "9" * 40}, "Results go 50 pages deep"),
        ({"order": "sideways"}, "Select a valid choice"),
    ]:
        response = client.get("/search/", {"q": "storm", **parameters})
        assert response.status_code == 400, parameters
        assert message in response.content.decode(), parameters
        filters = parse(response).find(".//details[@class='search-form__filters']")
        assert (filters.get("open") is not None) == ("page" not in parameters), parameters


@pytest.mark.parametrize(
    "parameters",
    [
        {"until": "9999-12-31"},
        {"since": "9999-12-31"},
        {"since": "0001-01-01"},
        {"until": "0001-01-01"},
        {"since": "0999-12-31", "until": "9999-12-31"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_400_with_a_message(client, site_tree, parameters):
    """The day after 9999-12-31 cannot be written, nor can the time zone move the first
    day of year 1 back: dates are kept well inside the calendar, and the field says so."""
    make_article(site_tree.sections["news"], title="Harbour strike")

    response = client.get("/search/", {"q": "harbour", **parameters})

    assert response.status_code == 400
    errors = ["".join(error.itertext()) for error in parse(response).iter() if error.get("class") == "field__error"]
    assert errors and all("Dates go from 1 January 1000 to 31 December 9998" in error for error in errors)


def test_dates_just_inside_the_bounds_search_as_usual(client, site_tree):
    make_article(site_tree.sections["news"], title="Harbour strike")

    response = client.get("/search/", {"q": "harbour", "since": "1000-01-01", "until": "9998-12-31"})

    assert response.status_code == 200
    assert texts(response, "search-summary") == ["1 result for harbour, 1–1 shown"]


HOSTILE_QUERIES = [
    '"',
    '"harbour',
    "harbour*",
    "*",
    "harbour OR",
    "AND OR NOT",
    "NEAR(harbour strike, 2)",
    "title:harbour",
    "-harbour",
    "^harbour",
    "(harbour",
    "harbour)",
    "{harbour}",
    "harbour & | ! <-> :*",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "\\",
    "%",
    "_",
    "harbour\x00strike",
    "żółć 東京 مرحبا 🚢",
    "\u202eharbour",
    "a" * 10_000,
    "harbour " * 1_500,
    *XSS,
]


def test_hostile_queries_get_results_or_a_clear_message_never_a_500(client, site_tree):
    make_article(site_tree.sections["news"], title="Harbour strike ends", tags=["東京"])
    # Harmless searches: found, not found, no words, and the empty form.
    baseline = Baseline(
        [client.get("/search/", {"q": word}).content.decode() for word in ["harbour", "nothing", "!!", ""]]
    )

    for text in HOSTILE_QUERIES:
        response = client.get("/search/", {"q": text})
        assert response.status_code in (200, 400), (text, response.status_code)
        page = response.content.decode()
        if response.status_code == 400:
            assert 'class="field__error"' in page, text
        assert_nothing_injected(page, baseline, context=repr(text[:40]))


def test_words_from_any_script_are_found(client, site_tree):
    make_article(site_tree.sections["news"], title="Zürich trams run late")

    response = client.get("/search/", {"q": "ZÜRICH"})

    assert texts(response, "search-summary") == ["1 result for ZÜRICH, 1–1 shown"]


def test_a_script_searching_too_fast_is_told_to_wait(client, site_tree, monkeypatch):
    monkeypatch.setattr(views, "SEARCHES_PER_IP", 3)
    monkeypatch.setattr(views, "SEARCH_WINDOW_SECONDS", 3600)  # no window ends mid-test
    make_article(site_tree.sections["news"], title="Quay")

    statuses = [client.get("/search/", {"q": f"quay {number}"}).status_code for number in range(4)]
    refused = client.get("/search/", {"q": "quay"})

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many searches" in refused.content.decode()
    assert client.get("/search/").status_code == 200  # the form itself is never refused


def test_the_page_cache_never_answers_one_search_with_another(site_tree, tmp_path):
    news = site_tree.sections["news"]
    make_article(news, title="Lighthouse keeper retires")
    make_article(news, title="Beacon relit")
    site = cached_site(tmp_path)

    for _ in range(2):  # the second round is where a stored page would answer
        lighthouse = wsgi_request(site, "/search/", query="q=lighthouse")
        beacon = wsgi_request(site, "/search/", query="q=beacon")
        assert b"keeper retires" in lighthouse.body and b"relit" not in lighthouse.body
        assert b"relit" in beacon.body and b"keeper retires" not in beacon.body


def test_query_count_does_not_grow_with_the_results(client, site_tree):
    news = site_tree.sections["news"]

    def queries() -> int:
        client.get("/search/", {"q": "quarry"})  # settings and renditions made once
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "quarry"}).status_code == 200
        return len(captured)

    make_article(news, title="Quarry reopens", authors=[make_author()], tags=["Quarry"], image=make_image())
    few = queries()
    for hours in range(2, 14):
        make_article(news, title=f"Quarry {hours}", authors=[make_author()], image=make_image(), hours_ago=hours)
    many = queries()

    assert few == many
    assert many <= 12, many


def test_the_section_filter_is_kept_until_a_section_changes(client, site_tree, django_capture_on_commit_callbacks):
    from masthead.news.models import SectionPage

    def section_options() -> list[str]:
        select = parse(client.get("/search/", {"q": "harbour"})).find(".//select[@name='section']")
        return [option.text for option in select.iter("option")]

    before = section_options()
    with CaptureQueriesContext(connection) as captured:
        assert section_options() == before
    assert not any('FROM "news_sectionpage"' in query["sql"] for query in captured), "read again, unchanged"

    with django_capture_on_commit_callbacks(execute=True):
        sport = SectionPage(title="Sport", slug="sport")
        site_tree.home.add_child(instance=sport)
        sport.save_revision().publish()
    assert "Sport" in section_options()

    with django_capture_on_commit_callbacks(execute=True):
        news = site_tree.sections["news"]
        news.title = "Breaking news"
        news.save_revision().publish()
    options = section_options()
    assert "Breaking news" in options and "News" not in options


def test_the_latest_articles_a_fruitless_search_suggests_are_kept_until_one_is_published_or_changed(
    client, site_tree, django_capture_on_commit_callbacks
):
    news = site_tree.sections["news"]
    with django_capture_on_commit_callbacks(execute=True):
        older = make_article(news, title="Tram lines extended", hours_ago=3)

    def suggested(query: str) -> list[str]:
        latest = parse(client.get("/search/", {"q": query})).find(".//ul[@class='search-latest']")
        return [link.text for link in latest.iter("a")]

    assert suggested("zebrafish") == ["Tram lines extended"]
    with CaptureQueriesContext(connection) as captured:
        assert suggested("okapi") == ["Tram lines extended"]
    assert not any('"news_articleauthor"' in query["sql"] for query in captured), "read again, unchanged"

    with django_capture_on_commit_callbacks(execute=True):
        make_article(news, title="Night buses return")
    assert suggested("okapi") == ["Night buses return", "Tram lines extended"]

    with django_capture_on_commit_callbacks(execute=True):
        older.title = "Tram lines extended to the harbour"
        older.save_revision().publish()
    assert suggested("okapi") == ["Night buses return", "Tram lines extended to the harbour"]
