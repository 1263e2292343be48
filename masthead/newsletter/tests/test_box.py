"""The signup box on cached pages (decision 0010): the page holds the box's title, a
plain link to /newsletter/ and a placeholder, never a token or a reader's state, so it
stays cacheable; the form with its token comes from an uncached URL."""

from __future__ import annotations

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.news.tests.factories import make_article
from masthead.newsletter.models import NewsletterSettings, Subscriber
from masthead.newsletter.tests.factories import make_lists, make_subscriber
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import assert_cacheable

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site_tree):
    make_lists(site_tree.site)
    return make_article(site_tree.sections["news"], title="Harbour dredging starts")


def boxes(response) -> dict[str, object]:
    """The signup boxes by where they are: "sidebar" (in the aside) or "article" (in main)."""
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    found = {}
    for where, path in (("sidebar", ".//aside"), ("article", ".//main")):
        for container in page.iterfind(path):
            for box in container.iterfind(".//*[@data-newsletter]"):
                found[where] = box
    return found


def test_pages_with_the_box_stay_cacheable_and_carry_no_token(client, site_tree, article):
    for url in (article.url, site_tree.sections["news"].url, "/latest/", "/donate/"):
        response = client.get(url)
        assert_cacheable(response)
        assert b"csrfmiddlewaretoken" not in response.content
        assert "sidebar" in boxes(response), url
        link = boxes(response)["sidebar"].find(".//a")
        assert link.get("href") == "/newsletter/"  # the way in without script


def test_an_article_has_the_box_in_its_sidebar_and_at_its_end(client, article):
    response = client.get(article.url)

    assert set(boxes(response)) == {"sidebar", "article"}
    assert b"Get our newsletter" in response.content
    # Articles appended by continuous reading do not repeat it.
    fragment = client.get(f"/fragments/article/{article.pk}/")
    assert not boxes(fragment)


def test_the_box_shows_the_settings_and_a_change_purges_the_pages(
    client, site_tree, article, django_capture_on_commit_callbacks
):
    assert b"Get our newsletter" in client.get(article.url).content
    settings = NewsletterSettings.for_site(site_tree.site)
    with django_capture_on_commit_callbacks(execute=True):
        settings.box_title = "The Ledger by mail"
        settings.save()

    assert b"The Ledger by mail" in client.get(article.url).content
    with django_capture_on_commit_callbacks(execute=True):
        settings.signup_enabled = False
        settings.save()
    assert not boxes(client.get(article.url))


def test_the_signup_page_has_no_second_box_in_its_sidebar(client, article):
    response = client.get("/newsletter/")

    assert not boxes(response)
    assert response.content.count(b'name="email"') == 1


def test_the_form_fragment_is_private_and_its_ids_are_its_own(client, article):
    """Both boxes of an article may be opened: each fragment's ids differ."""
    ids = set()
    for _ in range(2):
        response = client.get("/newsletter/form/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "csrftoken" in response.cookies
        page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
        field = page.find(".//input[@type='email']")
        assert page.find(f".//label[@for='{field.get('id')}']") is not None
        ids.add(field.get("id"))
    assert len(ids) == 2


# The fragment: the site (and its root page), the settings and the lists. The page: those and its chrome
# (site settings, menus, the sidebar's donate box and ads), after a purge.
PINNED = {"/newsletter/": 10, "/newsletter/form/": 4}


@pytest.mark.parametrize("url", list(PINNED))
def test_the_form_reads_the_same_few_rows_however_many_subscribers(client, site_tree, article, url):
    """Pinned, and never a query about subscribers."""

    def queries() -> int:
        client.get(url)
        page_store().purge_all()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for number in range(50):
        make_subscriber(site_tree.site, f"reader{number}@example.org")
    assert Subscriber.objects.count() == 50
    assert queries() == before == PINNED[url]
