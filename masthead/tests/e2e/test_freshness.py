"""After a publish, a reader's next visit shows the new version: from Masthead's own page
cache, and through nginx serving the statically published files (docs/deploy/nginx.conf)."""

import pytest

from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    tree = build_site()
    return make_article(tree.sections["news"], title="Harbour talks stall", hours_ago=1)


def _republish(article, title: str) -> None:
    article.title = title
    article.save_revision().publish()  # autocommit: the purge runs on this commit


def test_a_reader_sees_a_publish_at_once_from_the_page_cache(origin, browser, story):
    base, _ = origin
    page = browser.new_page()

    first = page.goto(base + story.url)
    again = page.goto(base + story.url)
    assert (first.headers.get("x-cache"), again.headers.get("x-cache")) == ("miss", "hit")
    page.goto(base + "/")
    assert page.get_by_role("link", name="Harbour talks stall").count() > 0

    _republish(story, "Harbour talks resume")

    page.goto(base + story.url)
    assert page.locator("h1").inner_text() == "Harbour talks resume"
    page.goto(base + "/")
    assert page.get_by_role("link", name="Harbour talks resume").count() > 0
    assert page.get_by_role("link", name="Harbour talks stall").count() == 0


def test_a_reader_sees_a_publish_at_once_through_nginx_static_publishing(nginx, browser, story):
    base, published = nginx
    page = browser.new_page()
    published_file = published / story.url.strip("/") / "index.html"

    assert page.goto(base + story.url).headers.get("x-cache") == "miss"  # rendered, stored, published
    assert published_file.exists()
    from_file = page.goto(base + story.url)
    assert "x-cache" not in from_file.headers  # nginx answered from the file
    assert from_file.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.locator("h1").inner_text() == "Harbour talks stall"
    # The cache's bookkeeping beside the page is never sent.
    bookkeeping = page.request.get(base + story.url + "index.html.meta")
    assert bookkeeping.status == 404 and b'"etag"' not in bookkeeping.body()

    _republish(story, "Harbour talks resume")

    assert not published_file.exists()
    page.reload()
    assert page.locator("h1").inner_text() == "Harbour talks resume"
    assert published_file.exists()  # published again by that visit
