"""An edition's HTML is packed into few lines when it is rendered: smaller mails that a
receiving server reads faster, and that look the same in any mail client."""

import re

import html5lib
from hypothesis import given
from hypothesis import strategies as st

from masthead.newsletter.mail import PACKED_LINE, html_packed


def _rendered(html: str) -> list[tuple[str, str]]:
    """What a reader sees: each element and its text with white space collapsed as
    HTML collapses it."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [
        (element.tag, re.sub(r"[ \t\r\n]+", " ", "".join(element.itertext())).strip()) for element in document.iter()
    ]


TEMPLATE_LIKE = """<!DOCTYPE html><html lang="en"><head>
        <meta charset="utf-8">
        <title>The week</title>
    </head>
    <body style="margin: 0;">
        <table role="presentation"><tbody><tr>
                <td class="intro">Good <b>morning</b>,
                    readers.</td>
            </tr>
            <tr><td><a href="https://ledger.example/a/">One</a>
                <a href="https://ledger.example/b/">Two</a>\u00a0·\u00a0<span>Three</span></td></tr>
        </tbody></table>
    </body></html>
"""


def test_the_templates_indentation_goes_and_what_a_reader_sees_stays():
    packed = html_packed(TEMPLATE_LIKE)
    assert packed.count("\n") == 1 and "  " not in packed
    assert _rendered(packed) == _rendered(TEMPLATE_LIKE)
    assert "\u00a0·\u00a0" in packed, "no-break spaces are not white space to pack"


def test_lines_are_packed_up_to_the_limit_and_never_split_a_word():
    words = [f"word{number}" for number in range(400)]
    html = "<p>\n" + "\n".join(words) + "\n</p>"
    packed = html_packed(html)
    lines = packed.rstrip("\n").split("\n")
    assert len(lines) > 1 and all(len(line) <= PACKED_LINE for line in lines)
    assert packed.split() == html.split()


def test_pre_and_textarea_are_left_as_they_are():
    html = "<p>a</p>\n<pre>  keep\n    this</pre>\n"
    assert html_packed(html) == html


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["p", "td", "span", "a", "b", "div"]),
            st.text(alphabet=st.sampled_from("ab c\n\t\u00a0é·"), max_size=30),
            st.text(alphabet=st.sampled_from(" \n\t"), max_size=8),
        ),
        max_size=20,
    )
)
def test_packing_never_changes_what_a_reader_sees(parts):
    html = "<body>" + "".join(f"<{tag}>{text}</{tag}>{gap}" for tag, text, gap in parts) + "</body>"
    assert _rendered(html_packed(html)) == _rendered(html)


def test_a_packed_line_leaves_room_for_the_personal_links_and_character_references():
    from masthead.newsletter.mail import PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, personalised

    footer = [f"<a href='{PREFERENCES_PLACEHOLDER}'>Preferences</a>", f"<a href='{UNSUBSCRIBE_PLACEHOLDER}'>Stop</a>"]
    html = "\n".join(["<p>“Quoted” — ünïcödé</p>"] * 30 + footer * 3)
    long_link = "https://ledger.example/newsletter/preferences/" + "x" * 380 + "/"
    sent = personalised(html_packed(html), preferences_url=long_link, unsubscribe_url=long_link)
    widths = [len(line.encode("ascii", "xmlcharrefreplace")) for line in sent.split("\n")]
    assert max(widths) <= 998


def test_preformatted_text_anywhere_leaves_the_html_as_it_is():
    for html in ("<PRE>a\n  b</PRE>\n<p>c</p>\n", '<p style="white-space: pre-line">12 Quay St\nHarbourtown</p>\n'):
        assert html_packed(html) == html


def test_c1_controls_are_dropped_not_turned_into_windows_1252_characters():
    from masthead.newsletter.mail import _html_part

    _, body = _html_part("<p>a\x96b – c</p>\n")
    assert body == b"<p>ab &#8211; c</p>\r\n"
