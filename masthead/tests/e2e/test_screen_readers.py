"""What a screen reader is told as continuous reading appends the next article."""

import pytest

from masthead.news.tests.factories import build_site, make_article, make_author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_articles():
    tree = build_site()
    writer = make_author("Ada Reporter")
    return [
        make_article(tree.sections["news"], title=f"Story {hours} hours old", authors=[writer], hours_ago=hours)
        for hours in (1, 2, 3)
    ]


def test_an_appended_article_is_announced_politely_by_its_headline(live_server, browser, three_articles):
    newest, second, third = three_articles
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + newest.url)
    status = page.locator("[data-stream-status]")
    assert status.get_attribute("role") == "status"  # a polite live region, present before anything is appended
    assert status.inner_text() == ""

    page.locator(".continue__link").scroll_into_view_if_needed()
    page.locator("main article").nth(1).wait_for()
    assert status.inner_text() == f"Next article: {second.title}"

    page.locator(".continue__link").last.scroll_into_view_if_needed()
    page.locator("main article").nth(2).wait_for()
    assert status.inner_text() == f"Next article: {third.title}"
    assert status.is_visible() is False or status.bounding_box()["width"] <= 1  # heard, not seen
