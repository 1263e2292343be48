"""A reader opens the home page, reads an article and keeps scrolling into the next ones."""

import pytest

from masthead.news.tests.factories import build_site, make_article, make_author, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom():
    tree = build_site()
    writer = make_author("Ada Reporter")
    image = make_image()
    articles = [
        make_article(
            tree.sections["news" if hours % 2 else "analysis"],
            title=f"Story published {hours} hours ago",
            authors=[writer],
            hours_ago=hours,
            image=image,
        )
        for hours in range(1, 15)
    ]
    return tree, articles


def test_scrolling_to_the_end_appends_the_next_article_and_follows_it(live_server, browser, newsroom):
    _, articles = newsroom
    newest, second, third = articles[0], articles[1], articles[2]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=newest.title).first.click()
    page.wait_for_url(f"**{newest.url}")
    assert page.locator("main article").count() == 1

    page.locator(".continue__link").scroll_into_view_if_needed()
    page.locator("main article").nth(1).wait_for()
    appended = page.locator("main article").nth(1)
    assert appended.locator("h2").inner_text() == second.title

    appended.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_url(f"**{second.url}")
    assert page.title().startswith(second.title)

    page.locator(".continue__link").last.scroll_into_view_if_needed()
    page.locator("main article").nth(2).wait_for()
    assert page.locator("main article").nth(2).locator("h2").inner_text() == third.title
    assert errors == []


def test_after_ten_appended_articles_a_plain_link_takes_over(live_server, browser, newsroom):
    _, articles = newsroom
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + articles[0].url)

    for count in range(2, 12):
        page.locator(".continue__link").last.scroll_into_view_if_needed()
        page.locator("main article").nth(count - 1).wait_for()

    page.locator("[data-article-stream][data-continuation='link']").wait_for(state="attached")
    page.locator(".continue__link").last.scroll_into_view_if_needed()
    assert page.locator("main article").count() == 11
    assert page.locator("[data-article-stream]").get_attribute("data-appended") == "10"
    last_link = page.locator(".continue__link").last
    assert last_link.get_attribute("href") == articles[11].url


def test_without_javascript_continue_reading_is_a_plain_link(live_server, browser, newsroom):
    _, articles = newsroom
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(live_server.url + articles[0].url)
    page.locator(".continue__link").scroll_into_view_if_needed()
    assert page.locator("main article").count() == 1

    page.locator(".continue__link").click()
    page.wait_for_url(f"**{articles[1].url}")
    assert page.locator("h1").inner_text() == articles[1].title
    context.close()
