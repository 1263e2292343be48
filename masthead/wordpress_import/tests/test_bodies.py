"""WordPress bodies (classic editor text, Gutenberg block markup, shortcodes) become
Masthead's body pieces, as WordPress would have shown them, and nothing unsafe survives."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.wordpress_import import bodies, wxr
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE

UNSAFE = re.compile(r"<(script|iframe|style|object|embed|form)|\son\w+\s*=|javascript:|style=", re.IGNORECASE)


def kinds(body: bodies.Body) -> list[str]:
    return [piece.kind for piece in body.pieces]


def test_classic_editor_text_becomes_paragraphs_as_wpautop_makes_them():
    body = bodies.convert("First paragraph,\nwith a line break.\n\nSecond <strong>bold</strong> one.\n\n\n")
    assert kinds(body) == ["paragraph", "paragraph"]
    assert body.pieces[0].html == "First paragraph,<br>with a line break."
    assert body.pieces[1].html == "Second <b>bold</b> one."


def test_headings_lists_quotes_and_preformatted_text_keep_their_kind():
    body = bodies.convert(
        "<h1>Top</h1><h4>Deep</h4><ul><li>one</li><li>two <em>2</em></li></ul>"
        '<blockquote cite="https://example.org/speech"><p>Words.</p><cite>— A. Speaker</cite></blockquote>'
        "<pre>  indented\n\n  code</pre>"
    )
    assert kinds(body) == ["heading", "heading", "list", "quote", "preformatted"]
    assert [(piece.text, piece.level) for piece in body.pieces[:2]] == [("Top", 2), ("Deep", 3)]
    assert body.pieces[2].html == "<ul><li>one</li><li>two <i>2</i></li></ul>"
    quote = body.pieces[3]
    assert (quote.html, quote.attribution, quote.url) == ("Words.", "A. Speaker", "https://example.org/speech")
    assert body.pieces[4].text == "  indented\n\n  code"


def test_caption_and_gallery_shortcodes_become_images_with_their_attachments():
    body = bodies.convert(
        '[caption id="attachment_754" align="alignnone" width="604"]'
        '<img class="size-large wp-image-754" src="https://example.org/bell.jpg" alt="Bell on a wharf">'
        " The bell, at dawn[/caption]\n\n"
        '[gallery ids="12,13, 14"]\n\n[[gallery]]'
    )
    assert kinds(body) == ["image", "gallery", "paragraph"]
    image = body.pieces[0]
    assert (image.url, image.alt, image.caption, image.attachment_ids) == (
        "https://example.org/bell.jpg",
        "Bell on a wharf",
        "The bell, at dawn",
        (754,),
    )
    assert body.pieces[1].attachment_ids == (12, 13, 14)
    assert body.pieces[2].html == "[gallery]"  # [[gallery]] is WordPress's way to write it literally


def test_embeds_from_shortcodes_bare_urls_frames_blocks_and_tweets():
    body = bodies.convert(
        "[embed]https://www.youtube.com/watch?v=abc123[/embed]\n\n"
        "https://vimeo.com/12345\n\n"
        "https://example.org/not-an-embed\n\n"
        '<iframe src="https://www.youtube.com/embed/xyz789" width="560"></iframe>'
        '<!-- wp:embed {"url":"https://x.com/newsroom/status/1"} --><figure class="wp-block-embed"><div>'
        "https://x.com/newsroom/status/1</div><figcaption>The first post</figcaption></figure><!-- /wp:embed -->"
        '<blockquote class="twitter-tweet"><p>Hello</p>&mdash; Desk (@desk) '
        '<a href="https://twitter.com/desk/status/42?ref_src=twsrc">May 1</a></blockquote>'
    )
    assert kinds(body) == ["embed", "embed", "paragraph", "embed", "embed", "embed"]
    urls = [piece.url for piece in body.pieces if piece.kind == "embed"]
    assert urls == [
        "https://www.youtube.com/watch?v=abc123",
        "https://vimeo.com/12345",
        "https://www.youtube.com/watch?v=xyz789",
        "https://x.com/newsroom/status/1",
        "https://twitter.com/desk/status/42",
    ]
    assert body.pieces[4].caption == "The first post"


def test_unknown_shortcodes_stay_as_text_and_are_reported():
    body = bodies.convert("Before [pullquote size=big]A line[/pullquote] after.")
    assert body.pieces[0].html == "Before [pullquote size=big]A line[/pullquote] after."
    assert body.warnings == ["unknown shortcode [pullquote] kept as text"]


def test_dynamic_blocks_are_reported_and_block_comments_dropped():
    body = bodies.convert(
        '<!-- wp:paragraph --><p>Kept.</p><!-- /wp:paragraph --><!-- wp:latest-posts {"postsToShow":3} /--><!--more-->'
    )
    assert kinds(body) == ["paragraph"]
    assert body.warnings == ["the “latest-posts” block is built by WordPress when a page is shown: left out"]


def test_nothing_unsafe_comes_across():
    body = bodies.convert(
        '<p onclick="steal()">Read <a href="javascript:alert(1)">this</a> and '
        '<a href="https://example.org" style="color:red" target="_blank">that</a>.</p>'
        "<script>alert(1)</script><style>p{}</style>"
        '<iframe src="https://evil.example/frame"></iframe><object data="x.swf"></object>'
        '<ul><li onmouseover="x()">item</li></ul>'
    )
    assert kinds(body) == ["paragraph", "list"]
    assert body.pieces[0].html == 'Read <a>this</a> and <a href="https://example.org">that</a>.'
    assert not any(UNSAFE.search(piece.html) for piece in body.pieces)
    assert any("frame" in warning for warning in body.warnings)
    assert any("<script>" in warning for warning in body.warnings)


def test_every_post_and_page_of_the_theme_unit_test_export_converts_safely():
    converted = 0
    for record in wxr.read(str(FIXTURE)):
        if isinstance(record, wxr.Item) and record.post_type in ("post", "page"):
            body = bodies.convert(record.content)
            converted += 1
            for piece in body.pieces:
                assert not UNSAFE.search(piece.html), (record.title, piece)
                assert piece.kind != "image" or piece.url, (record.title, piece)
                assert piece.kind != "embed" or piece.url.startswith(("http://", "https://")), (record.title, piece)
    assert converted == 79


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/[]=\"' \n&;#pabrimgsc-:0123456789wyoutube.comhtps")), max_size=300))
def test_any_text_converts_without_error_and_without_unsafe_markup(text):
    body = bodies.convert(text)
    assert all(not UNSAFE.search(piece.html) for piece in body.pieces)


def test_images_and_shortcodes_inside_paragraphs_become_pieces_where_they_stand():
    body = bodies.convert(
        '<p><a href="https://example.org/full.jpg"><img class="wp-image-5" src="https://example.org/m.jpg" alt="Mayor">'
        "</a>The mayor said no.</p>"
        '<p>[gallery ids="1,2"]</p>'
        "<p>Watch: [embed]https://youtu.be/x1[/embed]</p>"
        '<p><strong><img src="https://example.org/icon.png" alt=""> Breaking</strong> news.</p>'
    )
    assert kinds(body) == ["image", "paragraph", "gallery", "paragraph", "embed", "image", "paragraph"]
    assert body.pieces[0].attachment_ids == (5,)
    assert body.pieces[1].html == "The mayor said no."
    assert body.pieces[4].url == "https://youtu.be/x1"
    assert body.pieces[6].html == "<b> Breaking</b> news."  # the space stood after the image


def test_a_url_alone_on_its_line_is_an_embed_as_wordpress_autoembeds_it():
    body = bodies.convert("Intro text\nhttps://www.youtube.com/watch?v=1\nMore text")
    assert [(piece.kind, piece.html or piece.url) for piece in body.pieces] == [
        ("paragraph", "Intro text"),
        ("embed", "https://www.youtube.com/watch?v=1"),
        ("paragraph", "More text"),
    ]


def test_a_caption_around_a_video_frame_captions_the_embed_and_one_around_text_keeps_it():
    body = bodies.convert(
        '[caption id="attachment_9"]<iframe src="https://www.youtube.com/embed/abc"></iframe> The launch[/caption]'
        "\n\n[caption]Just words[/caption]"
    )
    assert [(piece.kind, piece.url, piece.caption, piece.html) for piece in body.pieces] == [
        ("embed", "https://www.youtube.com/watch?v=abc", "The launch", ""),
        ("paragraph", "", "", "Just words"),
    ]


def test_a_cite_anywhere_in_a_quote_is_its_attribution_not_its_text():
    body = bodies.convert("<blockquote><p>Words.</p><p>— <cite>A. Name</cite></p></blockquote>")
    assert [(piece.html, piece.attribution) for piece in body.pieces] == [("Words.", "A. Name")]


def test_a_script_or_icon_inside_a_paragraph_is_left_out_without_splitting_it():
    body = bodies.convert('<p>Hello <script>x()</script>world, <svg viewBox="0 0 1 1"></svg>again.</p>')
    assert [piece.html for piece in body.pieces] == ["Hello world, again."]


def test_brackets_that_are_text_raise_no_warning_and_plugin_shortcodes_do():
    body = bodies.convert('He said "[sic]" in note [1]. [poll id="3"] [contact-form][/contact-form]')
    assert body.warnings == ["unknown shortcode [contact-form] kept as text", "unknown shortcode [poll] kept as text"]


def test_protocol_relative_images_are_not_taken_for_local_files():
    body = bodies.convert(
        '<img src="//evil.example/x.png"><img src="/\\evil.example/y.png"><img src="/wp-content/z.png">'
    )
    assert [piece.url for piece in body.pieces] == ["/wp-content/z.png"]


def test_hostile_bodies_convert_without_error():
    hostile = [
        '<!-- wp:embed {"a":' + "[" * 100_000 + "]" * 100_000 + "} -->",  # JSON deeper than the stack
        "<span>" * 5_000 + "text",  # unclosed nesting deeper than the stack
        '<iframe src="https://[::1"></iframe>',  # an address urlsplit refuses
        "<!--" * 10_000,
        "[a] " * 10_000 + "[a x" * 10_000 + "[caption]" * 2_000,
    ]
    for text in hostile:
        body = bodies.convert(text)
        assert all(not UNSAFE.search(piece.html) for piece in body.pieces)
    assert bodies.convert("<span>" * 5_000 + "text").pieces[0].html == "text"
