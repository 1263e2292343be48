"""A reader searches in a real Chromium, behind the page cache as `masthead serve` runs it:
from the header's box on a stored page to the results, narrowed by a filter, on to the
article; a second search is never answered with the first one's page."""

import pytest

from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def test_a_reader_searches_from_the_header_narrows_by_section_and_opens_the_story(origin, browser):
    base, _ = origin
    tree = build_site()
    make_article(tree.sections["news"], title="Ferry crews walk out at dawn", hours_ago=3)
    story = make_article(
        tree.sections["analysis"], title="Why the ferry strike matters", body=body("The ferry timetable is thin.")
    )
    make_article(tree.sections["news"], title="Council budget passes", body=body("Ferry subsidies were cut."))
    page = browser.new_page()
    page.goto(base + "/")
    page.goto(base + "/")  # the home page now comes from the page cache

    page.get_by_role("searchbox", name="Search the site").fill("ferry")
    page.get_by_role("searchbox", name="Search the site").press("Enter")
    page.wait_for_url("**/search/?q=ferry")

    assert page.locator(".search-summary").inner_text() == "3 results for ferry, 1–3 shown"
    titles = page.locator(".search-result__title").all_inner_texts()
    assert titles[2] == "Council budget passes"  # only its body has the word: after the headlines
    assert [mark.lower() for mark in page.locator(".search-result__title mark").all_inner_texts()] == ["ferry"] * 2

    page.get_by_text("Filters and order").click()
    page.get_by_label("Section").select_option(label="Analysis")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**section=*")
    assert page.locator(".search-result__title").all_inner_texts() == ["Why the ferry strike matters"]

    page.get_by_role("link", name="Why the ferry strike matters").click()
    page.wait_for_url(base + story.url)
    assert page.locator("h1").inner_text() == "Why the ferry strike matters"

    page.goto(base + "/search/?q=council")
    assert page.locator(".search-result__title").all_inner_texts() == ["Council budget passes"]
