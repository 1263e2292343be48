"""Structured data and link previews, read by extruct (the extractor crawlers' tooling
uses), and checked against Google's rules for article rich results field by field."""

from __future__ import annotations

from datetime import datetime

import extruct
import pytest
from PIL import Image

from masthead.core.models import SiteSettings, SocialLink
from masthead.news.tests.factories import make_article, make_author, make_image, make_source
from masthead.news.tests.test_sitemaps import read_xml

pytestmark = pytest.mark.django_db

ORIGIN = "https://ledger.example"
SCHEMA = "https://schema.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = ORIGIN


def extract(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, path
    return extruct.extract(
        response.content.decode(), base_url=ORIGIN + path, syntaxes=["json-ld", "opengraph"], uniform=True
    )


def of_type(data: dict, kind: str) -> dict:
    (found,) = [item for item in data["json-ld"] if item.get("@type") == kind]
    return found


def iso_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no time zone"
    return moment


def google_article_problems(article: dict, client) -> list[str]:
    """Google Search Central, "Article structured data": the properties it reads and what
    each must be. Empty when the article qualifies."""
    problems = []
    if article.get("@context") != SCHEMA or article.get("@type") not in ("NewsArticle", "Article", "BlogPosting"):
        problems.append("type")
    if not isinstance(article.get("headline"), str) or not article["headline"].strip():
        problems.append("headline")
    images = article.get("image")
    if not isinstance(images, list) or not images:
        problems.append("image: a list of URLs")
    else:
        ratios = set()
        for url in images:
            response = client.get(url.removeprefix(ORIGIN))
            if not url.startswith(ORIGIN) or response.status_code != 200:
                problems.append(f"image not served: {url}")
                continue
            content = b"".join(response.streaming_content) if response.streaming else response.content
            with Image.open(__import__("io").BytesIO(content)) as picture:
                width, height = picture.size
            if width * height < 50_000:
                problems.append(f"image under 50,000 pixels: {url}")
            ratios.add(round(width / height, 2))
        if not {1.78, 1.33, 1.0} <= ratios:
            problems.append(f"image ratios 16x9, 4x3 and 1x1 wanted, got {sorted(ratios)}")
    try:
        published = iso_datetime(article["datePublished"])
        if iso_datetime(article["dateModified"]) < published:
            problems.append("dateModified before datePublished")
    except (KeyError, TypeError, ValueError) as error:
        problems.append(f"dates: {error}")
    authors = article.get("author")
    if not isinstance(authors, list) or not authors:
        problems.append("author: a list")
    for author in authors or []:
        if author.get("@type") not in ("Person", "Organization") or not author.get("name"):
            problems.append(f"author {author}")
        person_page = author.get("url") if author.get("@type") == "Person" else None
        if person_page and client.get(person_page.removeprefix(ORIGIN)).status_code != 200:
            problems.append(f"author page not found: {author['url']}")
    publisher = article.get("publisher", {})
    if publisher.get("@type") not in ("NewsMediaOrganization", "Organization") or not publisher.get("name"):
        problems.append("publisher")
    return problems


def test_an_article_is_a_news_article_google_accepts(client, site_tree):
    logo = make_image("Logo")
    SiteSettings.objects.update_or_create(site=site_tree.site, defaults={"site_name": "The Ledger", "logo": logo})
    ada, ben = make_author("Ada Reporter"), make_author("Ben Editor")
    article = make_article(
        site_tree.sections["news"],
        title="Harbour strike ends",
        authors=[ada, ben],
        tags=["Ports", "Labour"],
        image=make_image("Harbour"),
    )

    data = extract(client, article.url)
    news = of_type(data, "NewsArticle")

    assert google_article_problems(news, client) == []
    page_url = ORIGIN + article.url
    assert news["headline"] == "Harbour strike ends"
    assert news["description"] == article.standfirst
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": page_url}
    assert [(a["name"], a["url"]) for a in news["author"]] == [
        ("Ada Reporter", ORIGIN + ada.get_absolute_url()),
        ("Ben Editor", ORIGIN + ben.get_absolute_url()),
    ]
    assert news["publisher"]["@type"] == "NewsMediaOrganization" and news["publisher"]["name"] == "The Ledger"
    assert news["publisher"]["logo"]["url"].startswith(ORIGIN + "/media/")
    assert news["publisher"]["logo"]["height"] <= 60
    assert news["articleSection"] == "News"
    assert news["keywords"] == ["Ports", "Labour"]
    assert iso_datetime(news["datePublished"]) == article.published_at.replace(microsecond=0)
    assert "isBasedOn" not in news

    crumbs = of_type(data, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Ledger", ORIGIN + "/"),
        (2, "News", ORIGIN + "/news/"),
        (3, "Harbour strike ends", page_url),
    ]

    graph = data["opengraph"][0]
    assert graph["@type"] == "article" and graph["og:title"] == "Harbour strike ends"
    assert graph["og:site_name"] == "The Ledger"
    assert graph["og:image"].startswith("http") and "1200x675" in graph["og:image"]


def test_a_syndicated_piece_says_what_it_is_based_on_and_who_wrote_it(client, site_tree):
    source = make_source("Wire Weekly", url="https://wire.example/")
    article = make_article(
        site_tree.sections["news"],
        source=source,
        original_author="Pat Original",
        original_url="https://wire.example/story",
    )

    news = of_type(extract(client, article.url), "NewsArticle")

    assert news["isBasedOn"] == "https://wire.example/story"
    assert news["author"] == [{"@type": "Person", "name": "Pat Original"}]
    assert "image" not in news  # no featured image: none is made up


def test_the_home_page_names_the_publisher_and_the_website(client, site_tree):
    settings, _ = SiteSettings.objects.update_or_create(
        site=site_tree.site, defaults={"site_name": "The Ledger", "tagline": "Valley news"}
    )
    SocialLink.objects.create(settings=settings, platform="x", url="https://x.com/ledger", sort_order=1)
    SocialLink.objects.create(settings=settings, platform="rss", url=f"{ORIGIN}/feed/", sort_order=2)
    make_article(site_tree.sections["news"])

    data = extract(client, "/")

    organisation = of_type(data, "NewsMediaOrganization")
    assert organisation["name"] == "The Ledger" and organisation["url"] == ORIGIN + "/"
    assert organisation["sameAs"] == ["https://x.com/ledger"]
    website = of_type(data, "WebSite")
    assert website["url"] == ORIGIN + "/" and website["description"] == "Valley news"
    assert website["publisher"] == {"@id": organisation["@id"]}
    assert data["opengraph"][0]["@type"] == "website"
    search = website["potentialAction"]
    assert search["@type"] == "SearchAction" and search["query-input"] == "required name=search_term_string"
    template = search["target"]["urlTemplate"]
    assert template == ORIGIN + "/search/?q={search_term_string}"
    found = client.get(template.removeprefix(ORIGIN).replace("{search_term_string}", "article"))
    assert found.status_code == 200 and b"search-summary" in found.content


@pytest.mark.parametrize("path", ["/latest/", "/news/", "/tag/ports/", "author"])
def test_listing_pages_have_a_canonical_address_and_a_preview(client, site_tree, path):
    writer = make_author("Ada Reporter")
    make_article(site_tree.sections["news"], authors=[writer], tags=["Ports"])
    path = writer.get_absolute_url() if path == "author" else path

    html = client.get(path).content.decode()
    graph = extruct.extract(html, base_url=ORIGIN + path, syntaxes=["opengraph"], uniform=True)["opengraph"][0]

    assert f'<link rel="canonical" href="{ORIGIN}{path}">' in html
    assert graph["og:url"] == ORIGIN + path and graph["og:title"] and graph["og:site_name"]


def test_an_article_the_editor_hides_from_search_engines(client, site_tree):
    hidden = make_article(site_tree.sections["news"], title="Hidden from search", noindex=True, hours_ago=1)
    shown = make_article(site_tree.sections["news"], title="Findable", hours_ago=2)

    assert '<meta name="robots" content="noindex">' in client.get(hidden.url).content.decode()
    assert 'name="robots"' not in client.get(shown.url).content.decode()
    month = hidden.published_at
    listed = [node.text for node in read_xml(client, f"/sitemaps/articles-{month:%Y-%m}.xml").iter()]
    news = client.get("/sitemap-news.xml").content.decode()
    assert ORIGIN + shown.url in listed and ORIGIN + hidden.url not in listed
    assert shown.url in news and hidden.url not in news
    assert "Hidden from search" in client.get("/feed/").content.decode()  # readers' feeds still carry it


def test_a_headline_cannot_end_the_json_ld_block(client, site_tree):
    title = 'Mayor says </script><script>alert("x")</script> & <!-- more'
    article = make_article(site_tree.sections["news"], title=title)

    html = client.get(article.url).content.decode()
    news = of_type(extruct.extract(html, base_url=ORIGIN, syntaxes=["json-ld"], uniform=True), "NewsArticle")

    assert news["headline"] == title
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block


def test_a_draft_never_published_previews_without_dates(admin_client, site_tree):
    draft = make_article(site_tree.sections["news"], title="Draft only", publish=False, published_at=None)

    response = admin_client.get(f"/admin/pages/{draft.pk}/view_draft/")

    assert response.status_code == 200
    html = response.content.decode()
    news = of_type(extruct.extract(html, base_url=ORIGIN, syntaxes=["json-ld"], uniform=True), "NewsArticle")
    assert news["headline"] == "Draft only" and "datePublished" not in news
