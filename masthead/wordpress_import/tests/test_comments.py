"""WordPress comments come across as Masthead comments: threads, approval, authors and
dates kept; spam, trash and (unless asked) pingbacks left out; a second import updates
them; hostile or broken comment data never stops the import. (The theme test export's
comments and their second import are in test_import.py, beside its one shared import.)"""

import io

import pytest

from masthead.comments.models import Comment, Discussion
from masthead.news.tests.factories import build_site
from masthead.wordpress_import import services
from masthead.wordpress_import.comments import comment_text
from masthead.wordpress_import.tests.test_import import imported_article, parents_by_wordpress_id
from masthead.wordpress_import.tests.test_reading_exports import FOOTER, HEADER, post

pytestmark = pytest.mark.django_db


def comment(wordpress_id: int, parent: int = 0, *, approved="1", kind="", text="A view.", extra="") -> str:
    return (
        f"<wp:comment><wp:comment_id>{wordpress_id}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[Reader {wordpress_id}]]></wp:comment_author>"
        f"<wp:comment_author_email>reader{wordpress_id}@example.org</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2024-05-02 09:{wordpress_id % 60:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>{extra}</wp:comment>"
    )


def import_text(export: str, **options) -> services.ImportReport:
    return services.import_export(io.BytesIO(export.encode()), **options)


def test_pingbacks_come_across_when_asked_and_spam_and_trash_never_do():
    build_site()
    export = (
        HEADER
        + post(
            10,
            extra=comment(1)
            + comment(2, approved="spam")
            + comment(3, approved="trash")
            + comment(4, kind="pingback", text="<a href='https://elsewhere.example/'>Elsewhere</a> linked here")
            + comment(5, approved="0"),
        )
        + FOOTER
    )
    report = import_text(export, keep_pingbacks=True)

    article = imported_article(10)
    statuses = dict(Comment.objects.filter(page=article).values_list("external_id", "status"))
    assert statuses == {"wordpress:1": "approved", "wordpress:4": "approved", "wordpress:5": "pending"}
    assert report.skipped["spam comments"] == 1 and report.skipped["comments in WordPress's trash"] == 1
    assert Comment.objects.get(external_id="wordpress:4").body == "Elsewhere (https://elsewhere.example/) linked here"


def test_replies_to_left_out_missing_or_looping_comments_find_a_place():
    build_site()
    export = (
        HEADER
        + post(
            10,
            extra=comment(1)
            + comment(2, 1, approved="spam")
            + comment(3, 2)  # answers spam: answers comment 1 instead
            + comment(4, 99)  # answers a comment the export lacks
            + comment(5, 6)
            + comment(6, 5),  # 5 and 6 answer each other
        )
        + FOOTER
    )
    report = import_text(export)

    parents = parents_by_wordpress_id(imported_article(10))
    assert parents["wordpress:3"] == "wordpress:1"
    assert parents["wordpress:4"] is None
    loop = [parents["wordpress:5"], parents["wordpress:6"]]  # one starts the thread, the other answers it
    assert loop in ([None, "wordpress:5"], ["wordpress:6", None])
    assert any("answers comment 99, which the export lacks" in warning for warning in report.warnings)


def test_a_thread_deeper_than_masthead_keeps_hangs_its_deepest_replies_at_the_last_level():
    build_site()
    chain = "".join(comment(n, n - 1 if n > 1 else 0) for n in range(1, 31))  # each answers the one before
    report = import_text(HEADER + post(10, extra=chain) + FOOTER)

    assert report.created["comments"] == 30
    depths = dict(Comment.objects.filter(page=imported_article(10)).values_list("external_id", "depth"))
    assert [depths[f"wordpress:{n}"] for n in (1, 10, 11, 12, 30)] == [0, 9, 10, 10, 10]
    assert parents_by_wordpress_id(imported_article(10))["wordpress:30"] == "wordpress:10"


def test_bad_addresses_are_left_out_with_a_warning_and_closed_discussions_stay_closed():
    build_site()
    extra = (
        comment(1, extra="<wp:comment_author_IP>not-an-ip</wp:comment_author_IP>")
        .replace("reader1@example.org", "not an email")
        .replace(
            "</wp:comment_author_email>",
            "</wp:comment_author_email><wp:comment_author_url>javascript:alert(1)</wp:comment_author_url>",
        )
        + comment(2, text="<script>alert(1)</script>   ")  # nothing left to show: skipped
        + comment(3, extra="<wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>")
        + "<wp:comment_status>closed</wp:comment_status>"
    )
    report = import_text(HEADER + post(10, extra=extra) + FOOTER)

    first = Comment.objects.get(external_id="wordpress:1")
    assert (first.author_email, first.author_url, first.ip_address) == ("", "", None)
    assert Comment.objects.get(external_id="wordpress:3").ip_address == "203.0.113.9"
    assert not Comment.objects.filter(external_id="wordpress:2").exists()
    assert report.skipped["comments without any text"] == 1
    assert (
        sum(
            "is not an email address" in w or "is not a web address" in w or "network address" in w
            for w in report.warnings
        )
        == 3
    )
    assert Discussion.objects.get(page=imported_article(10)).closed


def test_an_address_too_long_in_lower_case_is_left_out_and_the_articles_comments_still_come():
    """Lower case can be longer than the export's spelling ("İ" is two letters in lower
    case); such an address passed the import's check and the comments app's own import
    then refused every comment of the article."""
    from masthead.comments.tests.hostile import GROWING_EMAIL

    build_site()
    extra = comment(1).replace("reader1@example.org", GROWING_EMAIL) + comment(2)
    report = import_text(HEADER + post(10, extra=extra) + FOOTER)

    assert Comment.objects.get(external_id="wordpress:1").author_email == ""
    assert Comment.objects.get(external_id="wordpress:2").author_email == "reader2@example.org"
    assert sum("is too long" in w for w in report.warnings) == 1


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Plain words.", "Plain words."),
        ("One line\nnext line\n\nNew paragraph", "One line\nnext line\n\nNew paragraph"),
        ("<p>First</p><p>Second<br />line</p>", "First\n\nSecond\nline"),
        ('Read <a href="https://example.org/a">this</a>.', "Read this (https://example.org/a)."),
        ('<a href="https://example.org/">https://example.org/</a>', "https://example.org/"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<em>Really</em> &amp; <strong>truly</strong> &lt;b&gt;", "Really & truly <b>"),
        ("<script>alert(1)</script>Safe<style>p{}</style>", "Safe"),
        ("<blockquote>Quoted</blockquote>Answer", "Quoted\n\nAnswer"),
        ("<p>Unclosed <b>tags", "Unclosed tags"),
    ],
)
def test_comment_html_becomes_plain_text_with_its_links(html, text):
    assert comment_text(html) == text
