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
