"""An embed whose provider could not be asked shows a designed link card that names the
provider, not a bare address."""

import html5lib
import pytest

from masthead.core.embeds import embed_view
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://www.youtube.com/watch?v=Qm4tR8vLx2a"


def _embed_figures(client, article) -> list:
    tree = html5lib.parse(client.get(article.url).content.decode(), namespaceHTMLElements=False)
    return tree.findall(".//main//figure[@class]")


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_unresolved_video_is_a_link_card_naming_the_provider(client, site_tree):
    body = [{"type": "embed", "value": {"url": VIDEO_URL, "caption": "Saltmarsh: a winter offshore"}}]
    article = make_article(site_tree.sections["news"], body=body)  # the test provider is unreachable

    (figure,) = _embed_figures(client, article)

    card = figure.find(".//a[@class='embed-card']")
    assert card.get("href") == VIDEO_URL
    assert card.find(".//*[@class='embed-card__action']").text == "Watch on YouTube"
    assert _text(card.find(".//*[@class='embed-card__address']")) == "youtube.com/watch?v=Qm4tR8vLx2a"
    assert _text(figure.find("figcaption")) == "Saltmarsh: a winter offshore"
    assert figure.find(".//b") is None and figure.find(".//strong") is None
    assert figure.find(".//*[@style]") is None  # the CSP allows no inline style


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("https://youtu.be/Qm4tR8vLx2a", "Watch on YouTube"),
        ("https://vimeo.com/76979871", "Watch on Vimeo"),
        ("https://x.com/harbourdesk/status/1794412087335210045", "View the post on X"),
        ("https://twitter.com/harbourdesk/status/1794412087335210045", "View the post on X"),
        ("https://www.example.org/reports/2026/ferries", "Open on example.org"),
    ],
)
def test_the_card_names_the_provider_from_the_address(url, action):
    view = embed_view(url, None)

    assert view.kind == "link"
    assert view.action == action


def test_a_long_address_is_shortened_on_the_card():
    view = embed_view("https://www.example.org/" + "a" * 200, None)

    assert view.address.startswith("example.org/aaa")
    assert len(view.address) <= 60 and view.address.endswith("…")


def _stored_post(url: str, html: str):
    from django.utils import timezone
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    return Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="rich",
        provider_name="X",
        author_name="Harbour Desk",
        html=html,
        last_updated=timezone.now(),
    )


def test_a_posts_text_reads_as_written_with_its_entities_decoded(client, site_tree):
    """X's oEmbed HTML writes ' & — as entities: the reader sees the characters, once."""
    url = "https://x.com/harbourdesk/status/1"
    _stored_post(
        url,
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Sunsets don&#39;t get better, Tom &amp; Jerry'
        '</p>&mdash; Harbour Desk (@harbourdesk) <a href="https://twitter.com/harbourdesk/status/1">May 5, 2014</a>'
        "</blockquote>",
    )
    article = make_article(site_tree.sections["news"], body=[{"type": "embed", "value": {"url": url, "caption": ""}}])

    (figure,) = _embed_figures(client, article)

    post = figure.find(".//blockquote[@class='embed__post']")
    assert _text(post) == (
        "Sunsets don't get better, Tom & Jerry— Harbour Desk (@harbourdesk) May 5, 2014— Harbour Desk"
    )


def test_markup_written_as_entities_in_a_post_stays_text(client, site_tree):
    url = "https://x.com/harbourdesk/status/2"
    _stored_post(
        url,
        '<blockquote class="twitter-tweet"><p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;'
        " &amp;lt;i&amp;gt;</p></blockquote>",
    )
    article = make_article(site_tree.sections["news"], body=[{"type": "embed", "value": {"url": url, "caption": ""}}])

    page = client.get(article.url).content.decode()
    (figure,) = _embed_figures(client, article)

    post = figure.find(".//blockquote[@class='embed__post']")
    assert post.find(".//script") is None and post.find(".//b") is None and post.find(".//i") is None
    assert _text(post).startswith("<script>alert(1)</script> <b>bold</b> &lt;i&gt;")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
