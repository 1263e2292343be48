"""Showing counts: "1,099 Views" from a short-lived cacheable endpoint, the page itself
unchanged by counts; the privacy note."""

from __future__ import annotations

import html5lib
import pytest

from masthead.analytics.models import AnalyticsSettings, PageViewTotal
from masthead.news.tests.factories import make_article
from masthead.pagecache.tests.helpers import assert_cacheable

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(site_tree):
    articles = [make_article(site_tree.sections["news"]) for _ in range(3)]
    for article, views in zip(articles, [1099, 9, 1], strict=True):
        PageViewTotal.objects.create(page_id=article.pk, views=views)
    return articles


def test_counts_are_labelled_and_hidden_below_the_sites_minimum(client, counted):
    ids = ",".join(str(article.pk) for article in counted)
    response = client.get(f"/analytics/counts/?pages={ids},999,x")
    assert response.json() == {str(counted[0].pk): "1,099 Views"}
    assert_cacheable(response)
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"


def test_a_site_can_lower_the_minimum_or_turn_counts_off(client, counted, site_tree):
    settings = AnalyticsSettings.for_site(site_tree.site)
    settings.minimum_views_shown = 1
    settings.save()
    response = client.get(f"/analytics/counts/?pages={counted[1].pk},{counted[2].pk}")
    assert response.json() == {str(counted[1].pk): "9 Views", str(counted[2].pk): "1 View"}
    settings.show_view_counts = False
    settings.save()
    assert client.get(f"/analytics/counts/?pages={counted[0].pk}").json() == {}


def test_counts_for_no_pages_are_an_empty_answer(client, site_tree):
    for query in ("", "?pages=", "?pages=,,", "?pages=" + ",".join(["1"] * 500)):
        response = client.get("/analytics/counts/" + query)
        assert response.status_code == 200 and response.json() == {}


def test_the_article_page_carries_placeholders_and_the_beacon_flag_not_a_count(client, counted):
    article = counted[0]
    page = html5lib.parse(client.get(article.url).content.decode(), namespaceHTMLElements=False)
    stream = page.find(".//div[@data-article-stream]")
    assert "data-count-views" in stream.attrib
    placeholder = stream.find(f".//span[@data-view-count='{article.pk}']")
    assert placeholder is not None and "hidden" in placeholder.attrib and not (placeholder.text or "").strip()


def test_the_space_kept_for_the_count_ends_the_byline_not_splits_it(client, counted):
    article = counted[0]
    page = html5lib.parse(client.get(article.url).content.decode(), namespaceHTMLElements=False)
    line = page.find(f".//span[@data-view-count='{article.pk}']/..")
    kinds = {"data-view-count": "count", "data-comment-count-for": "comments"}
    names = [next((kind for name, kind in kinds.items() if child.get(name)), None) for child in line]
    assert names[-2:] == ["comments", "count"]


def test_cards_carry_a_view_count_placeholder(client, counted):
    page = html5lib.parse(client.get("/latest/").content.decode(), namespaceHTMLElements=False)
    assert page.find(f".//span[@data-view-count='{counted[0].pk}']") is not None


def test_an_editors_preview_sends_no_beacon(counted):
    article = counted[0]
    response = article.make_preview_request()
    assert response.status_code == 200
    if hasattr(response, "render"):
        response.render()
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    stream = page.find(".//div[@data-article-stream]")
    assert stream is not None and "data-count-views" not in stream.attrib


def test_the_privacy_note_is_a_public_page_linked_from_the_footer(client, site_tree):
    response = client.get("/privacy/audience/")
    assert_cacheable(response)
    text = response.content.decode()
    assert "secret of the day" in text and "domain name" in text and "address is not stored" in text
    home = html5lib.parse(client.get("/").content.decode(), namespaceHTMLElements=False)
    assert home.find(".//footer//a[@href='/privacy/audience/']") is not None
