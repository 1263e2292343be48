"""Pictures are offered as WebP at more than one width (srcset and sizes), each with the
width and height that reserve its space before it loads."""

import html5lib
import pytest

from masthead.news.tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def _images(client, path: str, selector: str) -> list:
    tree = html5lib.parse(client.get(path).content.decode(), namespaceHTMLElements=False)
    return tree.findall(selector)


def _assert_responsive(img) -> None:
    candidates = [candidate.split() for candidate in img.get("srcset", "").split(",") if candidate.strip()]
    assert len(candidates) >= 2, img.attrib
    for url, width in candidates:
        assert url.endswith(".webp") and width.endswith("w"), (url, width)
    assert img.get("src").endswith(".webp")
    assert img.get("sizes")
    assert int(img.get("width")) > 0 and int(img.get("height")) > 0


def test_cards_offer_webp_at_two_widths(client, site_tree):
    for hours in (1, 2, 3):
        make_article(site_tree.sections["news"], hours_ago=hours, image=make_image())

    for path in ("/", "/latest/", "/news/"):
        images = _images(client, path, ".//main//article[@class]//img")
        assert images, path
        for img in images:
            _assert_responsive(img)


def test_article_featured_image_and_figures_offer_webp_at_two_widths(client, site_tree):
    figure = {"type": "image", "value": {"image": make_image().pk, "caption": "", "credit": "", "alt_text": "A map"}}
    article = make_article(site_tree.sections["news"], image=make_image(), body=[figure])

    images = _images(client, article.url, ".//main//figure/img")

    assert len(images) == 2
    for img in images:
        _assert_responsive(img)


def test_image_ads_offer_webp_at_two_widths(client, site_tree):
    from masthead.ads.models import AdCreative, AdSlot

    for placement in ("header", "sidebar", "between_articles"):
        AdCreative.objects.create(
            name=placement, slot=AdSlot.objects.get(placement=placement), image=make_image(), alt_text="Join us"
        )
    make_article(site_tree.sections["news"], image=make_image())

    images = _images(client, "/latest/", ".//*[@data-ad-creative]//img")

    assert len(images) == 2  # one article: no ad between articles
    for img in images:
        _assert_responsive(img)
