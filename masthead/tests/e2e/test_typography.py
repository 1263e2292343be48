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
