"""An article of about 1,500 words with every widget stays within the page-weight budget:
62 KB of HTML, CSS and JS raw, 20 KB compressed (images aside), as readers are sent them
(the site's own CSS and JS minified by collectstatic).

The raw budget was 60 KB until article bodies took lists and preformatted text (issue 14):
this page weighed 61,073 bytes alone and up to 61,463 in the full PostgreSQL pass, where
ids grow digits with the suite's order. Compressed, what readers download, it is 12.7 KB."""

import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from masthead.ads.models import AdCreative, AdSlot
from masthead.core.staticfiles import served_text
from masthead.news.tests.factories import make_article, make_author, make_image, make_source, paragraphs

pytestmark = pytest.mark.django_db

RAW_BUDGET = 62 * 1024
COMPRESSED_BUDGET = 20 * 1024


def test_long_article_with_every_widget_fits_the_budget(client, site_tree):
    for placement in ("header", "sidebar", "in_article"):
        AdCreative.objects.create(
            name=placement, slot=AdSlot.objects.get(placement=placement), image=make_image(), alt_text="House ad"
        )
    body = paragraphs(20, words=75) + [
        {"type": "blockquote", "value": {"quote": "<p>A long quotation.</p>", "attribution": "A source"}},
        {"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=Ab3dE5gH7jK", "caption": "Video"}},
        {"type": "pull_quote", "value": {"quote": "Something striking.", "attribution": "Someone"}},
    ]
    make_article(site_tree.sections["news"], hours_ago=3)
    article = make_article(
        site_tree.sections["news"],
        body=body,
        authors=[make_author(), make_author()],
        tags=["One", "Two", "Three"],
        image=make_image(credit="Photo: Staff"),
        source=make_source(url="https://wire.example"),
        original_author="A. Writer",
        original_url="https://wire.example/story",
        is_updated=True,
        update_note="Corrected a figure.",
    )
    assert 1400 <= article.word_count <= 1700
    Embed.objects.create(  # as the provider answered at save time: the heaviest embed, a player
        url="https://www.youtube.com/watch?v=Ab3dE5gH7jK",
        hash=get_embed_hash("https://www.youtube.com/watch?v=Ab3dE5gH7jK"),
        type="video",
        title="Video title",
        provider_name="YouTube",
        thumbnail_url="https://i.ytimg.com/vi/Ab3dE5gH7jK/hqdefault.jpg",
        html='<iframe src="https://www.youtube.com/embed/Ab3dE5gH7jK?feature=oembed"></iframe>',
    )

    from masthead.comments.tests.factories import open_settings, post_comment

    comment_settings = open_settings()
    for _ in range(3):  # a thread under it, with replies
        post_comment(article, parent=post_comment(article, settings=comment_settings), settings=comment_settings)

    html = client.get(article.url).content
    assert b"data-embed-src" in html and b'class="comment"' in html
    # As collectstatic stores them for readers: minified (masthead.core.staticfiles).
    assets = [
        served_text(name, Path(finders.find(name)).read_text()).encode()
        for name in ("masthead/css/site.css", "masthead/js/site.js")
    ]
    raw = len(html) + sum(len(asset) for asset in assets)
    compressed = sum(len(gzip.compress(part, 9)) for part in [html, *assets])

    assert raw <= RAW_BUDGET, f"{raw} bytes raw"
    assert compressed <= COMPRESSED_BUDGET, f"{compressed} bytes compressed"
