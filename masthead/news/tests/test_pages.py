"""The reader pages render what a newsroom's readers expect, and nothing they should not get."""

import html5lib
import pytest
from django.conf import settings

from masthead.news.tests.factories import make_article, make_author, make_image, make_simple_page, make_source
from masthead.pagecache.tests.helpers import assert_cacheable

pytestmark = pytest.mark.django_db


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def test_home_page_shows_lead_latest_and_section_blocks(client, site_tree):
    writer = make_author("Ada Reporter")
    older = make_article(site_tree.sections["news"], title="Older story", authors=[writer], hours_ago=5)
    newest = make_article(
        site_tree.sections["analysis"], title="Newest story", authors=[writer], hours_ago=1, image=make_image()
    )

    response = client.get("/")

    assert response.status_code == 200
    page = parse(response)
    lead = page.find(".//section[@class='lead']")
    assert "Newest story" in "".join(lead.itertext())
    latest = page.find(".//section[@class='home-latest']")
    assert "Older story" in "".join(latest.itertext())
    assert older.url in response.content.decode()
    assert newest.url in response.content.decode()


def test_article_page_has_semantic_structure_and_byline(client, site_tree):
    first, second = make_author("Ada Reporter"), make_author("Ben Editor")
    article = make_article(
        site_tree.sections["news"], title="Harbour strike ends", authors=[first, second], tags=["Labour", "Ports"]
    )

    response = client.get(article.url)

    assert response.status_code == 200
    page = parse(response)
    node = page.find(".//main//article")
    assert node is not None
    assert node.find(".//h1").text == "Harbour strike ends"
    byline = "".join(node.find(".//p[@class='article__credit']").itertext())
    assert byline == "By Ada Reporter and Ben Editor"
    times = node.findall(".//time")
    assert times and times[0].get("datetime").startswith(str(article.published_at.year))
    assert [a.text for a in node.findall(".//ul[@class='tags']//a")] == ["Labour", "Ports"]
    assert page.find(".//header") is not None and page.find(".//footer") is not None
    assert page.find(".//a[@class='skip-link']").get("href") == "#main"


def test_article_address_is_section_then_slug(site_tree):
    article = make_article(site_tree.sections["analysis"], title="Address check")
    assert article.url == f"/analysis/{article.slug}/"


def test_syndicated_article_credits_source(client, site_tree):
    source = make_source("Northern Wire", url="https://northernwire.example")
    article = make_article(site_tree.sections["news"], source=source, original_url="https://northernwire.example/a/1")

    body = client.get(article.url).content.decode()

    assert 'Via <a href="https://northernwire.example"' in body
    # Not the original's address (canonical_to_original is off): ours, on the configured SITE_URL.
    assert f'<link rel="canonical" href="{settings.SITE_URL}{article.url}">' in body


def test_authored_by_via_credit_and_canonical_to_original(client, site_tree):
    source = make_source("The Harbor Review", url="https://harborreview.example", canonical_to_original=True)
    article = make_article(
        site_tree.sections["news"],
        source=source,
        original_author="Miriam Okafor",
        original_url="https://harborreview.example/2026/why",
    )

    page = parse(client.get(article.url))

    credit = "".join(page.find(".//p[@class='article__credit']").itertext())
    assert credit == "Authored by Miriam Okafor via The Harbor Review"
    canonical = page.find(".//link[@rel='canonical']")
    assert canonical.get("href") == "https://harborreview.example/2026/why"


def test_updated_mark_shows_time_and_note(client, site_tree):
    article = make_article(site_tree.sections["news"], is_updated=True, update_note="Adds the mayor's response.")

    body = client.get(article.url).content.decode()

    assert "Updated <time" in body
    assert "Adds the mayor&#x27;s response." in body


def test_supporter_call_to_action_can_be_hidden_per_article(client, site_tree):
    shown = make_article(site_tree.sections["news"])
    hidden = make_article(site_tree.sections["news"], hide_supporter_cta=True)

    assert "Liked it? Take a second to support Test Ledger on Patreon!" in client.get(shown.url).content.decode()
    assert "Liked it?" not in client.get(hidden.url).content.decode()


def test_continue_reading_links_to_next_older_article(client, site_tree):
    older = make_article(site_tree.sections["news"], title="The older one", hours_ago=10)
    newer = make_article(site_tree.sections["analysis"], title="The newer one", hours_ago=2)

    page = parse(client.get(newer.url))

    link = page.find(".//a[@class='continue__link']")
    assert link.get("href") == older.url
    assert link.get("data-fragment") == f"/fragments/article/{older.pk}/"


def test_article_fragment_is_the_article_alone(client, site_tree):
    article = make_article(site_tree.sections["news"], title="Fragment story")

    response = client.get(f"/fragments/article/{article.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article")
    assert "<html" not in body and "Fragment story" in body


def test_an_appended_article_keeps_a_sound_outline(client, site_tree):
    """On its page the headline is the h1 and the body's headings h2 and h3; appended
    below another article its headline is an h2, so the body's step down to h3 and h4."""
    body = [
        {"type": "heading", "value": {"text": "What was agreed", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Words.</p>"},
        {"type": "heading", "value": {"text": "The fine print", "level": "h3"}},
    ]
    article = make_article(site_tree.sections["news"], title="Outline story", body=body)

    def outline(path):
        tree = html5lib.parse(client.get(path).content.decode(), namespaceHTMLElements=False)
        article_element = tree.find(".//article")
        return [
            (element.tag, "".join(element.itertext()).strip())
            for element in article_element.iter()
            if element.tag in {"h1", "h2", "h3", "h4"}
        ]

    assert outline(article.url) == [("h1", "Outline story"), ("h2", "What was agreed"), ("h3", "The fine print")]
    assert outline(f"/fragments/article/{article.pk}/") == [
        ("h2", "Outline story"),
        ("h3", "What was agreed"),
        ("h4", "The fine print"),
    ]


def test_the_header_marks_the_current_page_though_it_is_a_shared_fragment(client, site_tree):
    def current(path):
        tree = html5lib.parse(client.get(path).content.decode(), namespaceHTMLElements=False)
        header = tree.find(".//header[@class='site-header']")
        return [link.get("href") for link in header.iter("a") if link.get("aria-current") == "page"]

    article = make_article(site_tree.sections["news"])
    assert current("/") == ["/"]
    assert current("/latest/") == ["/latest/"]
    assert current("/news/") == ["/news/"]
    assert current(article.url) == []  # no menu item: the plain header, from the fragment
    assert current("/") == ["/"]


def test_draft_is_not_served_anywhere(client, site_tree):
    draft = make_article(site_tree.sections["news"], title="Secret draft", publish=False)

    assert client.get(f"/fragments/article/{draft.pk}/").status_code == 404
    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/latest/").content.decode()
    assert "Secret draft" not in client.get("/").content.decode()


def test_not_found_page_uses_site_design(client, site_tree):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We can\xe2\x80\x99t find that page" in response.content
    assert b"site.css" in response.content


PUBLIC_PAGES = {
    "home": lambda a: "/",
    "latest": lambda a: "/latest/",
    "section": lambda a: "/news/",
    "staff picks": lambda a: "/staff-picks/",
    "tag": lambda a: "/tag/ports/",
    "author": lambda a: a.article_authors.first().author.get_absolute_url(),
    "article": lambda a: a.url,
    "fragment": lambda a: f"/fragments/article/{a.pk}/",
    "search": lambda a: "/search/?q=ports",
    "simple page": lambda a: make_simple_page(a.get_parent().get_parent(), title="About us").url,
}


@pytest.mark.parametrize("page_type", PUBLIC_PAGES)
def test_public_pages_set_no_cookie_and_no_inline_script(client, site_tree, page_type):
    article = make_article(site_tree.sections["news"], authors=[make_author()], tags=["Ports"], is_staff_pick=True)

    response = client.get(PUBLIC_PAGES[page_type](article))

    assert_cacheable(response)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for script in parse(response).iter("script"):
        if script.get("type") == "application/ld+json":
            continue  # a data block (structured data) that browsers never run: decision 0018
        assert script.get("src") and not (script.text or "").strip()


@pytest.mark.parametrize("path", ["/latest/", "/news/", "/staff-picks/", "/tag/ports/"])
@pytest.mark.parametrize(
    "cursor", ["garbage", "1-", "99999999999999999999999-1", "-", "%00", "0-99999999999999999999999", "1-0", "1--5"]
)
def test_broken_older_links_get_a_clear_400(client, site_tree, path, cursor):
    make_article(site_tree.sections["news"], tags=["Ports"])

    response = client.get(path, {"older": cursor})

    assert response.status_code == 400
    assert "older” link is broken" in response.content.decode()


def test_older_link_leads_to_the_next_page(client, site_tree):
    from masthead.news.selectors import STREAM_PAGE_SIZE

    articles = [make_article(site_tree.sections["news"], hours_ago=h) for h in range(1, STREAM_PAGE_SIZE + 3)]
    first = parse(client.get("/latest/"))
    older = first.find(".//nav[@class='pager']/a").get("href")

    second = client.get("/latest/" + older).content.decode()

    assert articles[STREAM_PAGE_SIZE].url in second
    assert articles[0].url not in second
    assert 'name="robots" content="noindex, follow"' in second


def test_server_error_page_needs_no_database(rf):
    from masthead.core.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"site.css" in response.content


def test_huge_fragment_id_is_404_not_500(client, site_tree):
    assert client.get("/fragments/article/9223372036854775808/").status_code == 404


def test_tags_in_any_script_have_working_pages(client, site_tree):
    article = make_article(site_tree.sections["news"], tags=["Café", "日本"])

    body = client.get(article.url).content.decode()
    tree = parse(client.get(article.url))
    links = [a.get("href") for a in tree.findall(".//ul[@class='tags']//a")]

    assert len(links) == 2 and "Café" in body
    for link in links:
        assert client.get(link).status_code == 200


def test_tags_with_no_letter_or_digit_have_working_pages(client, site_tree):
    """Slugify finds nothing to keep in "#", "…", "—" or an emoji: each tag still gets an
    address of its own, and the article, its fragment and each tag page answer."""
    names = ["#", "…", "—", "\N{WATER WAVE}"]
    article = make_article(site_tree.sections["news"], title="Punctuation tags", tags=names)

    assert client.get(f"/fragments/article/{article.pk}/").status_code == 200
    tree = parse(client.get(article.url))
    links = {a.text: a.get("href") for a in tree.findall(".//ul[@class='tags']//a")}

    assert set(links) == set(names) and len(set(links.values())) == len(names)
    for name, link in links.items():
        tag_page = parse(client.get(link))
        assert tag_page.find(".//h1").text == name
        assert "Punctuation tags" in "".join(tag_page.find(".//main").itertext())


def test_a_tag_without_a_slug_is_shown_unlinked(client, site_tree):
    """A tag left without an address (edited in the database, or from before addresses
    were given) is named on the article, not linked, and breaks nothing."""
    from taggit.models import Tag

    article = make_article(site_tree.sections["news"], tags=["Ports", "Nameless"])
    Tag.objects.filter(name="Nameless").update(slug="")

    response = client.get(article.url)

    assert response.status_code == 200
    items = parse(response).findall(".//ul[@class='tags']/li")
    assert sorted("".join(item.itertext()) for item in items) == ["Nameless", "Ports"]
    assert [a.text for item in items for a in item.findall("a")] == ["Ports"]
    assert client.get(f"/fragments/article/{article.pk}/").status_code == 200


def test_password_protected_article_is_listed_and_linked_nowhere(client, site_tree, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    secret = make_article(site_tree.sections["news"], title="Members only", hours_ago=2)
    before = make_article(site_tree.sections["news"], title="Public neighbour", hours_ago=1)
    # Committed, as in the admin: the purge that follows retires what workers remember.
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=secret, restriction_type="password", password="letmein")

    for path in ["/", "/latest/", "/news/", before.url]:
        assert "Members only" not in client.get(path).content.decode(), path
    assert client.get(f"/fragments/article/{secret.pk}/").status_code == 404


def test_home_offers_older_articles_only_when_there_are_some(client, site_tree, django_capture_on_commit_callbacks):
    site_tree.home.latest_count = 2
    site_tree.home.save_revision().publish()
    # The lead (a picture and a byline) and two in the stream: nothing older.
    make_article(site_tree.sections["news"], hours_ago=1, image=make_image(), authors=[make_author()])
    for hours in range(2, 4):
        make_article(site_tree.sections["news"], hours_ago=hours)
    assert parse(client.get("/")).find(".//nav[@class='pager']") is None

    with django_capture_on_commit_callbacks(execute=True):  # the publish commits, and purges
        make_article(site_tree.sections["news"], hours_ago=9)
    assert parse(client.get("/")).find(".//nav[@class='pager']") is not None


def test_staff_picks_page_puts_the_editors_order_first(client, site_tree):
    news = site_tree.sections["news"]
    unordered = make_article(news, title="Newest unordered pick", is_staff_pick=True, hours_ago=1)
    second = make_article(news, title="Second pick", is_staff_pick=True, staff_pick_order=2, hours_ago=3)
    first = make_article(news, title="First pick", is_staff_pick=True, staff_pick_order=1, hours_ago=9)

    titles = [h.find("a").text for h in parse(client.get("/staff-picks/")).find(".//main").iter("h2")]

    assert titles[:3] == [first.title, second.title, unordered.title]


def test_cached_fragments_are_retired_when_content_changes(client, site_tree, django_capture_on_commit_callbacks):
    from masthead.core.models import SiteSettings

    older = make_article(site_tree.sections["news"], title="Title before", hours_ago=5)
    newer = make_article(site_tree.sections["news"], title="The newer one", hours_ago=1)
    assert "Title before" in client.get(older.url).content.decode()
    assert "Title before" in client.get(newer.url).content.decode()  # its "Continue reading"

    with django_capture_on_commit_callbacks(execute=True):
        older.title = "Title after"
        older.save_revision().publish()
        settings = SiteSettings.objects.get(site=site_tree.site)
        settings.tagline = "Fresh tagline"
        settings.save()

    for page in (older, newer):
        body = client.get(page.url).content.decode()
        assert "Title after" in body and "Title before" not in body
        assert "Fresh tagline" in body


def test_a_simple_page_under_another_links_up_to_it(client, site_tree):
    about = make_simple_page(site_tree.home, title="About us")
    team = make_simple_page(about, title="Our team")

    page = client.get(team.url)

    assert page.status_code == 200 and team.url == "/about-us/our-team/"
    kicker = parse(page).find(".//article//p[@class='kicker']/a")
    assert (kicker.get("href"), kicker.text) == ("/about-us/", "About us")
