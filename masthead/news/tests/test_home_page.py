"""The home page is a front page the editor controls: the chosen lead and top stories
first, the newest stories with a picture in the empty places, and every story once."""

import json
from collections import Counter
from pathlib import Path

import html5lib
import pytest
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.news.tests.factories import make_article, make_author, make_image
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import wsgi_request
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = pytest.mark.django_db


def home_html(client):
    return html5lib.parse(client.get("/").content.decode(), namespaceHTMLElements=False)


def article_links(page, *, within: str = ".//main") -> list[str]:
    """The article addresses linked from a part of the page: a card's headline (its
    picture and its comment count link there too), not section or listing links."""
    hrefs = [
        a.get("href") for a in page.find(within).iter("a") if a.get("class") not in ("card__image", "card__comments")
    ]
    return [href for href in hrefs if href and href.count("/") == 3 and href.startswith("/") and "?" not in href]


def lead_href(page) -> str | None:
    lead = page.find(".//main//section[@class='lead']")
    return None if lead is None else lead.find(".//h2/a").get("href")


def top_story_hrefs(page) -> list[str]:
    return [h3.find("a").get("href") for h3 in page.find(".//main//section[@class='top-stories']").iter("h3")]


def choose(home, *, lead=None, top=()):
    home.lead_story = lead
    home.top_stories = json.dumps([{"type": "story", "value": article.pk} for article in top])
    home.save_revision().publish()


@pytest.fixture
def writer():
    return make_author("Ada Reporter")


def test_a_newest_article_without_a_picture_does_not_lead(client, site_tree, writer):
    pictured = make_article(site_tree.sections["news"], authors=[writer], image=make_image(), hours_ago=3)
    newest = make_article(site_tree.sections["news"], title="No picture", authors=[writer], hours_ago=1)

    page = home_html(client)

    assert lead_href(page) == pictured.url
    assert newest.url in article_links(page)  # still on the page, lower down


def test_a_newest_article_without_a_byline_does_not_lead(client, site_tree, writer):
    signed = make_article(site_tree.sections["news"], authors=[writer], image=make_image(), hours_ago=3)
    make_article(site_tree.sections["news"], title="Unsigned", image=make_image(), hours_ago=1)

    assert lead_href(home_html(client)) == signed.url


def test_without_any_article_fit_to_lead_the_page_has_no_lead(client, site_tree):
    bare = make_article(site_tree.sections["news"], title="Bare", hours_ago=1)

    page = home_html(client)

    assert lead_href(page) is None
    assert bare.url in article_links(page)


def test_the_editors_lead_and_top_stories_come_first_in_their_order(client, site_tree, writer):
    news = site_tree.sections["news"]
    old_lead = make_article(news, title="Chosen lead without picture", hours_ago=400)
    chosen = [make_article(news, title=f"Chosen {n}", hours_ago=300 + n) for n in range(2)]
    newest = [make_article(news, authors=[writer], image=make_image(), hours_ago=h) for h in range(1, 5)]
    choose(site_tree.home, lead=old_lead, top=[chosen[1], chosen[0]])

    page = home_html(client)

    assert lead_href(page) == old_lead.url
    # Two chosen, the two empty places filled with the newest pictured stories.
    assert top_story_hrefs(page) == [chosen[1].url, chosen[0].url, newest[0].url, newest[1].url]


def test_a_chosen_story_that_is_unpublished_gives_way_to_the_newest(client, site_tree, writer):
    news = site_tree.sections["news"]
    fallback = make_article(news, authors=[writer], image=make_image(), hours_ago=2)
    chosen = make_article(news, authors=[writer], image=make_image(), hours_ago=50)
    choose(site_tree.home, lead=chosen)
    chosen.unpublish()

    assert lead_href(home_html(client)) == fallback.url


def test_each_story_appears_once_on_home(client, site_tree, writer):
    """A story chosen as lead, picked by the staff and among the newest of its section is
    shown in one place only; the section block shows the next one instead."""
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    articles = [
        make_article(
            news if hours % 2 else analysis,
            authors=[writer],
            image=make_image(),
            is_staff_pick=hours % 3 == 0,
            hours_ago=hours,
        )
        for hours in range(1, 40)
    ]
    choose(site_tree.home, lead=articles[3], top=[articles[3], articles[6], articles[0]])

    page = home_html(client)
    links = article_links(page)

    assert links, "the page links its stories"
    assert [href for href, seen in Counter(links).items() if seen > 1] == []
    blocks = [
        article_links(page, within=f".//main//section[@aria-labelledby='section-{s.pk}']") for s in (news, analysis)
    ]
    assert all(len(block) == 4 for block in blocks)  # full, with stories not shown above


def test_home_reads_the_editors_older_choices_in_one_more_query(client, site_tree, writer):
    """Choices among the newest stories cost nothing; older ones one query in all."""
    news = site_tree.sections["news"]
    for hours in range(1, 30):
        make_article(news, authors=[writer], image=make_image(), hours_ago=hours)

    def queries() -> int:
        page_store().purge_all()  # the slots were published without committing: nothing purged
        client.get("/")  # makes the renditions
        page_store().purge_all()
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    before = queries()
    old = [make_article(news, title=f"Archive {n}", hours_ago=900 + n) for n in range(3)]
    choose(site_tree.home, lead=old[0], top=old[1:])

    assert queries() == before + 1


def test_changing_the_front_page_slots_purges_home(site_tree, writer, django_capture_on_commit_callbacks):
    news = site_tree.sections["news"]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(news, authors=[writer], image=make_image(), hours_ago=1)
        archive = make_article(news, title="From the archive", authors=[writer], image=make_image(), hours_ago=900)
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    wsgi_request(site, "/")
    assert wsgi_request(site, "/").header("x-cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        choose(site_tree.home, lead=archive)

    response = wsgi_request(site, "/")
    assert response.header("x-cache") != "hit"
    assert b"From the archive" in response.body


def test_editing_a_chosen_story_purges_home(site_tree, writer, django_capture_on_commit_callbacks):
    """An old story the editor put on the front page: its own key names home."""
    news = site_tree.sections["news"]
    archive = make_article(news, title="From the archive", authors=[writer], image=make_image(), hours_ago=900)
    with django_capture_on_commit_callbacks(execute=True):
        choose(site_tree.home, top=[archive])
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    wsgi_request(site, "/")

    assert "/" in page_store().purge_keys({f"page-{archive.pk}"})

    wsgi_request(site, "/")
    with django_capture_on_commit_callbacks(execute=True):
        archive.title = "From the archive, corrected"
        archive.save_revision().publish()

    assert b"From the archive, corrected" in wsgi_request(site, "/").body


def test_an_editor_sets_the_front_page_through_the_admin(client, site_tree, writer, django_capture_on_commit_callbacks):
    """The home page's edit view has the front page panel; publishing it from there
    puts the chosen stories on top."""
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    get_user_model().objects.create_superuser("boss", password="pw-for-tests-only")
    client.login(username="boss", password="pw-for-tests-only")
    news = site_tree.sections["news"]
    make_article(news, authors=[writer], image=make_image(), hours_ago=1)
    lead, top = (make_article(news, title=f"Chosen {n}", hours_ago=100 + n) for n in range(2))
    edit_url = f"/admin/pages/{site_tree.home.pk}/edit/"
    assert "Front page" in client.get(edit_url).content.decode()

    data = nested_form_data(
        {
            "title": site_tree.home.title,
            "slug": site_tree.home.slug,
            "lead_story": lead.pk,
            "top_stories": streamfield([("story", top.pk)]),
            "latest_count": 8,
            "action-publish": "publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, data)
    client.logout()

    assert response.status_code == 302, response.content.decode()[:2000]
    page = home_html(client)
    assert lead_href(page) == lead.url
    assert top_story_hrefs(page)[0] == top.url


def test_the_front_pages_layout_is_sent_only_with_the_front_page(client, site_tree, writer):
    # Its rules were in site.css, which every article page is sent too, and took 2 KB of
    # an article's page-weight budget.
    article = make_article(site_tree.sections["news"], authors=[writer], image=make_image())

    def stylesheets(path: str) -> list[str]:
        page = html5lib.parse(client.get(path).content.decode(), namespaceHTMLElements=False)
        return [link.get("href").rsplit("/", 1)[-1] for link in page.iter("link") if link.get("rel") == "stylesheet"]

    assert [name.split(".")[0] for name in stylesheets("/")] == ["site", "home"]
    assert [name.split(".")[0] for name in stylesheets(article.url)] == ["site"]
    site_css = Path(finders.find("masthead/css/site.css")).read_text()
    assert ".front" not in site_css and ".top-stories" not in site_css
