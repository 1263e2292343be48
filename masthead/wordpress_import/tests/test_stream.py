"""Body pieces saved as an article's body: every block valid by the body's own rules,
images from the media library, and an image the library lacks kept as a link."""

import pytest
from django.utils.html import strip_tags

from masthead.news.models import ArticlePage
from masthead.news.tests.factories import make_image
from masthead.wordpress_import import bodies, stream, wxr
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE

BODY = ArticlePage._meta.get_field("body").stream_block  # as the model has it: may be empty


def no_images(piece, attachment):
    return None


@pytest.mark.django_db
def test_every_body_of_the_theme_unit_test_export_saves_as_valid_blocks_and_renders():
    checked = 0
    for record in wxr.read(str(FIXTURE)):
        if not (isinstance(record, wxr.Item) and record.post_type in ("post", "page")):
            continue
        data, _ = stream.stream_data(bodies.convert(record.content).pieces, no_images)
        value = BODY.clean(BODY.to_python(data))  # raises ValidationError on anything an editor could not save
        rendered = BODY.render(value, context={"embeds": {}})
        assert "Traceback" not in rendered
        checked += 1
    assert checked == 79


@pytest.mark.django_db
def test_each_piece_becomes_its_block():
    pieces = bodies.convert(
        "<h3>Sub</h3><p>Plain <b>text</b>.</p><ul><li>one</li></ul><pre>a  b</pre>"
        '<blockquote cite="https://example.org/s"><p>Said.</p><cite>Her</cite></blockquote>'
        '<blockquote class="wp-block-pullquote"><p>Big words</p></blockquote>'
        "[embed]https://youtu.be/v1[/embed]"
    ).pieces
    data, warnings = stream.stream_data(pieces, no_images)
    assert [(block["type"], block["value"]) for block in data] == [
        ("heading", {"text": "Sub", "level": "h3"}),
        ("paragraph", "<p>Plain <b>text</b>.</p>"),
        ("paragraph", "<ul><li>one</li></ul>"),
        ("preformatted", "a  b"),
        ("blockquote", {"quote": "<p>Said.</p>", "attribution": "Her", "source_url": "https://example.org/s"}),
        ("pull_quote", {"quote": "Big words", "attribution": ""}),
        ("embed", {"url": "https://youtu.be/v1", "caption": ""}),
    ]
    assert warnings == []


@pytest.mark.django_db
def test_images_come_from_the_library_and_a_missing_one_stays_a_link():
    kept = make_image("Bell on the wharf")
    pieces = bodies.convert(
        '[caption id="attachment_754"]<img class="wp-image-754" src="https://old.example/bell.jpg" alt="A bell">'
        " The bell[/caption]\n\n"
        '<img class="wp-image-999" src="https://old.example/gone.jpg" alt="Gone">'
    ).pieces

    data, warnings = stream.stream_data(pieces, lambda piece, attachment: kept.pk if attachment == 754 else None)

    assert data[0] == {
        "type": "image",
        "value": {"image": kept.pk, "caption": "The bell", "credit": "", "alt_text": "A bell"},
    }
    assert data[1] == {"type": "paragraph", "value": '<p><a href="https://old.example/gone.jpg">Gone</a></p>'}
    assert warnings == ["an image not in the media library was kept as a link (https://old.example/gone.jpg)"]
    BODY.clean(BODY.to_python(data))


@pytest.mark.django_db
def test_a_block_the_body_would_refuse_is_kept_as_a_paragraph_of_its_text():
    long_caption = bodies.Piece("embed", url="not a url at all", caption="x")
    data, warnings = stream.stream_data([long_caption], no_images)
    assert warnings == ["a embed block was not valid and was kept as a paragraph"]
    assert [strip_tags(block["value"]) for block in data] == ["not a url at all x"]
