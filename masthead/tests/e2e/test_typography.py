"""Headlines are set in one self-hosted face, from Masthead's own origin."""

import pytest

from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_headlines_use_the_self_hosted_newsreader_face(live_server, browser):
    tree = build_site()
    article = make_article(tree.sections["news"], title="Ferry inquiry opens in Aldmere")
    page = browser.new_page()
    fonts = []
    page.on("request", lambda request: request.resource_type == "font" and fonts.append(request.url))

    page.goto(live_server.url + article.url)
    page.evaluate("document.fonts.ready")
    headline_font = page.locator("h1").evaluate("h1 => getComputedStyle(h1).fontFamily")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight)")

    assert headline_font.startswith("Newsreader")
    assert loaded == ["Newsreader 700"]
    assert len(fonts) == 1 and fonts[0].startswith(live_server.url + "/static/") and fonts[0].endswith(".woff2")


def test_wide_preformatted_text_scrolls_inside_its_block_not_the_phone_page(live_server, browser):
    """A line of figures wider than a phone: the block scrolls (and takes the keyboard's
    focus to do so); the page itself never gets wider than the screen (it did: the page's
    grid column grew to the longest line)."""
    tree = build_site()
    figures = "Quarter   Imports   Exports   Balance   Change on the year   Source\n" + "Q1 2026   " * 12
    article = make_article(
        tree.sections["news"],
        title="Trade figures for the quarter",
        body=[
            {"type": "paragraph", "value": "<p>The figures:</p><ul><li>imports</li><li>exports</li></ul>"},
            {"type": "preformatted", "value": figures},
        ],
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_server.url + article.url)

    block = page.locator("pre.preformatted")
    assert block.inner_text() == figures
    assert block.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    assert block.get_attribute("tabindex") == "0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
