"""Reading WordPress exports: the theme unit test data (written by WordPress, not us) is
accounted for part by part, and hostile files are refused with a clear error, never
expanded, never read from the local disk, never a crash."""

import io
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.core.tests.processes import run_masthead
from masthead.wordpress_import import survey, wxr

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "themeunittestdata.wordpress.xml"  # see its README
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/" '
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">\n<channel>\n<title>A newsroom</title>\n'
    "<link>https://news.example</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
)
FOOTER = "</channel>\n</rss>\n"


def post(wordpress_id: int, body: str = "<p>Text.</p>", extra: str = "") -> str:
    return (
        f"<item><title>Story {wordpress_id}</title><link>https://news.example/story-{wordpress_id}/</link>"
        f'<guid isPermaLink="false">https://news.example/?p={wordpress_id}</guid>'
        f"<dc:creator>editor</dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:post_id>{wordpress_id}</wp:post_id><wp:post_date_gmt>2024-05-01 08:30:00</wp:post_date_gmt>"
        f"<wp:post_name>story-{wordpress_id}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>{extra}</item>\n"
    )


def read_all(data: bytes) -> list:
    return list(wxr.read(io.BytesIO(data)))


def test_the_theme_unit_test_export_is_accounted_for_part_by_part():
    report = survey.survey(wxr.read(str(FIXTURE)))

    assert report.site.title == "Theme Unit Test Data"
    assert report.site.wxr_version == "1.2"
    assert report.authors == 2
    assert (report.sections, report.nested_sections, report.tags) == (69, 10, 110)
    assert report.other_terms == {"nav_menu": 6}
    # 58 posts: the password-protected one is not public, the future-dated one scheduled.
    assert report.articles == {"published": 55, "not public": 1, "scheduled": 1, "draft": 1}
    assert report.staff_picks == 1
    assert report.pages == {"published": 21}
    assert (report.images, report.other_attachments, report.featured_images) == (35, 2, 6)
    # 33 comments: every one is either imported or skipped with its reason.
    assert report.comments == {"approved": 26, "awaiting moderation": 3}
    assert report.comments_skipped == {"pingbacks": 2, "trackbacks": 2}
    assert report.skipped_items == {"nav_menu_item": 70}
    assert any("no title" in warning for warning in report.warnings)
    assert any("password" in warning for warning in report.warnings)


def test_threads_dates_and_bodies_come_through_as_written():
    items = [record for record in wxr.read(str(FIXTURE)) if isinstance(record, wxr.Item)]
    threaded = [item for item in items if any(comment.parent_id for comment in item.comments)]
    assert threaded, "the fixture's threaded comments were not read"
    for item in threaded:
        ids = {comment.wordpress_id for comment in item.comments}
        assert all(comment.parent_id in ids for comment in item.comments if comment.parent_id)
    posts = [item for item in items if item.post_type == "post" and item.status == "publish"]
    assert all(item.date_gmt is not None and item.date_gmt.tzinfo is not None for item in posts)
    # Bodies keep their whitespace and markup exactly (preformatted text depends on it).
    assert any("<pre>" in item.content and "\n" in item.content for item in items)


def test_pingbacks_come_across_when_asked():
    report = survey.survey(wxr.read(str(FIXTURE)), keep_pingbacks=True)
    assert sum(report.comments.values()) == 33
    assert not report.comments_skipped


def test_old_addresses_include_the_permalink_the_guid_and_the_id_forms():
    site, item = read_all((HEADER + post(123) + FOOTER).encode())
    assert survey.old_addresses(item, site) == {"/story-123/", "/?p=123"}


def test_view_counts_and_spam_are_read_from_meta_and_status():
    meta = "<wp:postmeta><wp:meta_key>post_views_count</wp:meta_key><wp:meta_value>1099</wp:meta_value></wp:postmeta>"
    spam = (
        "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Buy</wp:comment_author>"
        "<wp:comment_content>cheap</wp:comment_content><wp:comment_approved>spam</wp:comment_approved></wp:comment>"
    )
    report = survey.survey(wxr.read(io.BytesIO((HEADER + post(5, extra=meta + spam) + FOOTER).encode())))
    assert (report.view_counts, report.views) == (1, 1099)
    assert report.comments_skipped == {"spam": 1}
    assert not report.comments


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10))
    + "]>\n<rss><channel><title>&lol9;</title></channel></rss>\n"
)


def test_an_entity_bomb_is_refused_before_anything_is_expanded():
    tracemalloc.start()
    try:
        with pytest.raises(wxr.ExportError, match="entities"):
            read_all(BILLION_LAUGHS.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # expanded, lol9 alone is 3 GB


def test_an_external_entity_never_reads_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-newsrooms-database-password")
    export = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>\n'
        + HEADER.split("\n", 1)[1].replace("<title>A newsroom</title>", "<title>&leak;</title>")
        + FOOTER
    )
    with pytest.raises(wxr.ExportError) as refused:
        read_all(export.encode())
    assert "password" not in str(refused.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADER + "<item><title>cut short", "not well-formed XML (line 7"),
        ("<html><body>not an export</body></html>", "root element is <html>"),
        (
            '<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item></channel></rss>',
            "RSS feed, not a WordPress export",
        ),
        (HEADER.replace("1.2</wp:wxr_version>", "9.9</wp:wxr_version>") + FOOTER, "WXR version 9.9"),
        ("", "not well-formed XML"),
        ("\x00\xff binary", "not well-formed XML"),
    ],
    ids=["truncated", "not rss", "plain rss", "unknown version", "empty", "binary"],
)
def test_files_that_are_not_exports_get_a_clear_error(data, message):
    with pytest.raises(wxr.ExportError, match=message.replace("(", r"\(").replace(".", r"\.")):
        read_all(data.encode("latin-1"))


def test_a_200_mb_export_is_read_as_a_stream_in_flat_memory(tmp_path):
    """Memory stays flat in the file's size: the reader keeps one item at a time."""
    body = "<p>" + "A paragraph of a long investigation. " * 1400 + "</p>"  # ~52 KB a post
    chunk = "".join(post(n, body) for n in range(1, 101))
    export = tmp_path / "large.xml"
    with export.open("w") as out:
        out.write(HEADER)
        written = 0
        while written < 200 * 1024 * 1024:
            out.write(chunk)
            written += len(chunk)
        out.write(FOOTER)
    items = written // len(chunk) * 100

    tracemalloc.start()
    try:
        with export.open("rb") as source:
            read = sum(1 for record in wxr.read(source) if isinstance(record, wxr.Item) and record.post_type == "post")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert read == items
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB reading a {written / 1024 / 1024:.0f} MB file"


def test_the_command_reports_a_dry_run_and_changes_nothing(capsys):
    call_command("import_wordpress", str(FIXTURE), "--dry-run")
    out = capsys.readouterr().out
    assert "articles (posts): 58" in out
    assert "comments: 29 (approved 26, awaiting moderation 3)" in out
    assert "Dry run: nothing was changed." in out


def test_the_command_says_what_is_wrong_with_a_bad_file(tmp_path):
    bad = tmp_path / "export.xml"
    bad.write_text(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="declares XML entities"):
        call_command("import_wordpress", str(bad), "--dry-run")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"), "--dry-run")


def test_masthead_import_wordpress_is_the_command_newsrooms_type(tmp_path):
    result = run_masthead("import-wordpress", str(FIXTURE), "--dry-run", MASTHEAD_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "WordPress export of Theme Unit Test Data (WXR 1.2)" in result.stdout
    assert "skipped nav_menu_item: 70" in result.stdout
