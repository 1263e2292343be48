"""How body blocks render for a reader: figures say what they show once, not twice."""

import html5lib
import pytest

from masthead.news.tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def _figures(client, article) -> list:
    tree = html5lib.parse(client.get(article.url).content.decode(), namespaceHTMLElements=False)
    return tree.findall(".//main//figure")


def _caption(figure) -> str:
    caption = figure.find("figcaption")
    return " ".join("".join(caption.itertext()).split()) if caption is not None else ""


def _figure_block(image, *, caption="", alt_text=""):
    return {"type": "image", "value": {"image": image.pk, "caption": caption, "credit": "", "alt_text": alt_text}}


def test_alt_text_that_repeats_the_visible_caption_is_left_empty(client, site_tree):
    """A screen reader would read the same sentence twice: the image's alt and then its
    caption. The caption describes it, so the image itself says nothing."""
    image = make_image()
    body = [_figure_block(image, caption="Ferry passengers at dawn.", alt_text="Ferry passengers at dawn.")]
    article = make_article(site_tree.sections["news"], body=body)

    (figure,) = _figures(client, article)

    assert figure.find("img").get("alt") == ""
    assert _caption(figure) == "Ferry passengers at dawn."


def test_without_alt_text_a_captioned_figure_does_not_repeat_the_caption(client, site_tree):
    image = make_image()
    image.default_caption = "The harbour wall after the storm."
    image.save()
    article = make_article(site_tree.sections["news"], body=[_figure_block(image)])

    (figure,) = _figures(client, article)

    assert figure.find("img").get("alt") == ""
    assert _caption(figure) == "The harbour wall after the storm."


def test_alt_text_distinct_from_the_caption_is_kept(client, site_tree):
    image = make_image()
    body = [_figure_block(image, caption="Turnout rose by a third.", alt_text="Bar chart of turnout, 2019 to 2025.")]
    article = make_article(site_tree.sections["news"], body=body)

    (figure,) = _figures(client, article)

    assert figure.find("img").get("alt") == "Bar chart of turnout, 2019 to 2025."
    assert _caption(figure) == "Turnout rose by a third."


def test_featured_image_reads_its_description_not_its_caption_again(client, site_tree):
    """The featured image's alt is the image's description (Wagtail's alt text field), or
    empty when only the visible caption describes it."""
    described = make_image()
    described.description = "A queue of lorries at the border post."
    described.save()
    captioned = make_image()
    first = make_article(site_tree.sections["news"], image=described, featured_image_caption="Lorries wait.")
    second = make_article(site_tree.sections["news"], image=captioned, featured_image_caption="Lorries wait again.")

    (described_figure,) = _figures(client, first)
    (captioned_figure,) = _figures(client, second)

    assert described_figure.find("img").get("alt") == "A queue of lorries at the border post."
    assert _caption(described_figure) == "Lorries wait."
    assert captioned_figure.find("img").get("alt") == ""
    assert _caption(captioned_figure) == "Lorries wait again."


def test_rich_text_blocks_print_what_wagtails_richtext_filter_prints(client, site_tree):
    """Body blocks expand rich text without rendering Wagtail's wrapper template for each
    paragraph: the same HTML, links to pages resolved to their addresses."""
    from wagtail.templatetags.wagtailcore_tags import richtext

    linked = make_article(site_tree.sections["analysis"])
    source = f'<p>See <a linktype="page" id="{linked.pk}">the earlier report</a> and <b>more</b>.</p>'
    body = [
        {"type": "paragraph", "value": source},
        {"type": "blockquote", "value": {"quote": source, "attribution": "", "source_url": ""}},
        {"type": "editors_note", "value": {"text": source}},
    ]
    article = make_article(site_tree.sections["news"], body=body)

    expected = richtext(source)

    assert f'<a href="{linked.url}">the earlier report</a>' in expected
    assert client.get(article.url).content.decode().count(expected) == 3
