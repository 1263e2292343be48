"""Importing WordPress's theme unit test export into a Masthead site: every post becomes
an article in the state WordPress had it, under the section of its category, with its
byline, tags and dates; every old address redirects; a second import updates in place."""

import datetime
import io
import time
import tracemalloc

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect

from masthead.analytics import tables
from masthead.analytics.models import AnalyticsSettings, PageViewTotal
from masthead.analytics.selectors import view_count_labels
from masthead.comments.models import Comment, Discussion
from masthead.news.models import ArticlePage, Author, SectionPage, SimplePage
from masthead.news.tests.factories import build_site
from masthead.news.tests.test_sitemaps import NS, read_xml
from masthead.news.tests.test_structured_data import extract, of_type
from masthead.wordpress_import import services, wxr
from masthead.wordpress_import.models import ImportedObject
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE, FOOTER, HEADER, post

pytestmark = pytest.mark.django_db


def imported_article(wordpress_id: int) -> ArticlePage:
    entry = ImportedObject.objects.get(kind="post", key=str(wordpress_id))
    return ArticlePage.objects.get(pk=entry.object_id)


def posts_comments() -> dict[int, list[wxr.Comment]]:
    """The fixture's comments on posts, read by the export reader (WordPress's file)."""
    return {
        record.wordpress_id: record.comments
        for record in wxr.read(str(FIXTURE))
        if isinstance(record, wxr.Item) and record.post_type == "post" and record.comments
    }


def parents_by_wordpress_id(article) -> dict[str, str | None]:
    comments = Comment.objects.filter(page=article).select_related("parent")
    return {c.external_id: (c.parent.external_id if c.parent else None) for c in comments}


def test_the_theme_unit_test_comments_come_across_with_their_threads(client, theme_test_import):
    report = theme_test_import

    expected = posts_comments()
    imported = {
        wordpress_id: [
            c for c in comments if c.approved in ("0", "1") and c.comment_type not in ("pingback", "trackback")
        ]
        for wordpress_id, comments in expected.items()
    }
    assert report.created["comments"] == sum(len(c) for c in imported.values()) == 24
    assert report.skipped["pingbacks (--keep-pingbacks imports them)"] == 2
    assert report.skipped["trackbacks (--keep-pingbacks imports them)"] == 2

    for wordpress_id, comments in imported.items():
        article = imported_article(wordpress_id)
        assert parents_by_wordpress_id(article) == {
            f"wordpress:{c.wordpress_id}": (f"wordpress:{c.parent_id}" if c.parent_id else None) for c in comments
        }
        approved = [c for c in comments if c.approved == "1"]
        discussion = Discussion.objects.get(page=article)
        assert (discussion.approved_count, discussion.pending_count) == (len(approved), len(comments) - len(approved))

    threaded = imported_article(1148)  # "Template: Comments": replies nine deep
    assert max(Comment.objects.filter(page=threaded).values_list("depth", flat=True)) == 9
    deepest = Comment.objects.filter(page=threaded).order_by("-depth").first()
    assert deepest.root.parent is None and deepest.path.startswith(deepest.root.path)
    thread = Client().get(reverse("comments:thread", args=[threaded.pk]))
    assert thread.status_code == 200
    loved = Comment.objects.get(external_id="wordpress:900")
    assert (loved.author_name, loved.body) == ("Jane Doe", "Comments? I love comments!")
    assert loved.status == Comment.Status.APPROVED and loved.created_at.year == 2013
    assert "Comments? I love comments!" in thread.text


def test_every_post_comes_across_in_its_state_and_renders(client, theme_test_import):
    report = theme_test_import

    assert report.created["articles"] == 58
    assert report.created["authors"] == 2
    assert ArticlePage.objects.count() == 58
    assert ArticlePage.objects.live().count() == 55  # the draft, the scheduled and the password-protected one are not
    scheduled = imported_article(1153)  # "Scheduled" in WordPress: future-dated
    assert not scheduled.live and scheduled.go_live_at is not None
    assert not imported_article(1168).live  # password-protected
    assert report.created["pages"] == 21 and SimplePage.objects.live().count() == 21

    sticky = ArticlePage.objects.get(is_staff_pick=True)
    assert sticky.title == "Template: Sticky"
    untitled = imported_article(1169)
    assert untitled.title  # a headline made from the text

    for article in ArticlePage.objects.live():
        response = client.get(article.url)
        assert response.status_code == 200, (article.title, response.status_code)


def test_bylines_sections_tags_and_dates_are_kept(theme_test_import):

    article = imported_article(1174)  # "Markup: Title With Special Characters"
    assert article.title.startswith("Markup: Title With Special Characters")
    assert [link.author.name for link in article.article_authors.all()] == ["Theme Buster"]
    assert article.published_at == datetime.datetime(2013, 1, 5, 18, 0, 20, tzinfo=datetime.UTC)
    assert article.get_parent().specific.__class__ is SectionPage
    assert set(article.tags.names()) >= {"html", "markup"}
    assert SectionPage.objects.filter(slug="news").exists()  # the site's own sections stay
    assert Author.objects.filter(name="Theme Reviewer").exists()


def test_old_addresses_redirect_permanently_to_the_new_article(client, theme_test_import):
    article = imported_article(1174)

    for old in ("/?p=1174", "/2013/01/05/title-with-special-characters/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"].endswith(article.url), old
    assert Redirect.objects.filter(redirect_page=article).count() >= 2
    assert client.get("/?p=999999").status_code == 200  # an id that was never imported: the home page


def test_the_page_cache_leaves_wordpress_permalinks_to_django():
    from masthead.pagecache.addresses import page_address

    assert page_address("/", "p=1174") is None
    assert page_address("/", "page_id=7&utm_source=x") is None
    assert page_address("/news/", "p=3") == "/news/"  # elsewhere the parameter means nothing


def test_importing_again_updates_instead_of_duplicating(theme_test_import):
    comment_count = Comment.objects.count()
    Comment.objects.filter(external_id="wordpress:900").update(body="Changed here")
    article = imported_article(1174)
    article.title = "Edited here"
    article.save_revision().publish()

    with open(FIXTURE, "rb") as source:
        again = services.import_export(source)

    assert again.created["articles"] == 0 and again.updated["articles"] == 57
    assert again.skipped["articles edited here since the last import (kept as edited)"] == 1
    assert again.created["authors"] == 0 and again.created["redirects"] == 0
    assert ArticlePage.objects.count() == 58
    assert Author.objects.filter(name="Theme Buster").count() == 1
    assert imported_article(1174).title == "Edited here"  # the editor's work is not lost
    assert again.updated["pages"] == 21 and SimplePage.objects.count() == 21
    assert imported_page(172).url == "/level-1/level-2/level-3/"  # never moved away and back
    assert not Redirect.objects.filter(old_path="/level-1/level-2/level-3").exists()
    assert again.created["comments"] == 0 and again.updated["comments"] == comment_count == 24
    assert Comment.objects.count() == comment_count
    assert Comment.objects.get(external_id="wordpress:900").body == "Comments? I love comments!"


def test_edits_made_here_survive_a_fresh_export_unless_told_to_overwrite_them(tmp_path, capsys):
    """Import, check and fix, import a fresh export on switch-over day: the fixes stay, and
    what the fresh export brings new (a reader's comment) still comes across."""
    from masthead.wordpress_import.tests.test_comments import comment

    build_site()
    as_page = "<wp:post_type>page</wp:post_type>"
    export = tmp_path / "export.xml"
    export.write_text(
        HEADER
        + post(10, extra=comment(1))
        + post(11)
        + post(30).replace("<wp:post_type>post</wp:post_type>", as_page)
        + FOOTER
    )
    call_command("import_wordpress", str(export))
    article, untouched, page = imported_article(10), imported_article(11), imported_page(30)
    article.title = "Fixed here"
    article.save_revision().publish()
    page.standfirst = "Rewritten here"
    page.save_revision()  # a draft of the change is an edit too
    fresh = post(10, extra=comment(1) + comment(2)).replace("Story 10", "Story 10, updated in WordPress")
    fresh += post(11).replace("Story 11", "Story 11, updated in WordPress")
    fresh += post(30).replace("<wp:post_type>post</wp:post_type>", as_page).replace("Story 30", "Page 30, updated")
    export.write_text(HEADER + fresh + FOOTER)
    capsys.readouterr()

    call_command("import_wordpress", str(export))

    out = capsys.readouterr().out
    assert "skipped: 1 (articles edited here since the last import (kept as edited))" in out
    assert "skipped: 1 (pages edited here since the last import (kept as edited))" in out
    assert "post 10 “Story 10, updated in WordPress”: edited here since the last import; kept as edited" in out
    assert imported_article(10).title == "Fixed here"
    assert imported_page(30).get_latest_revision_as_object().standfirst == "Rewritten here"
    assert imported_article(11).title == "Story 11, updated in WordPress" and untouched.pk == imported_article(11).pk
    assert Comment.objects.filter(page=article).count() == 2  # the new comment came all the same

    call_command("import_wordpress", str(export), "--overwrite-edits")
    assert imported_article(10).title == "Story 10, updated in WordPress"
    assert imported_page(30).title == "Page 30, updated"
    capsys.readouterr()
    call_command("import_wordpress", str(export))  # WordPress's version is the imported one again
    assert "edited here" not in capsys.readouterr().out


def test_the_command_imports_and_reports(capsys, tmp_path):
    build_site()
    export = tmp_path / "export.xml"
    reply = "<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Ana</wp:comment_author>"
    reply += "<wp:comment_content>Good.</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
    page = post(30).replace("<wp:post_type>post</wp:post_type>", "<wp:post_type>page</wp:post_type>")
    export.write_text(HEADER + post(10, extra=reply) + post(11) + page + FOOTER)
    call_command("import_wordpress", str(export))
    out = capsys.readouterr().out
    assert "articles: 2 created, 0 updated" in out
    assert "pages: 1 created, 0 updated" in out
    assert "comments: 1 created, 0 updated" in out


def views_meta(key: str, value: str) -> str:
    return f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{value}</wp:meta_value></wp:postmeta>"


def test_view_counts_kept_in_post_meta_are_the_articles_starting_counts_once():
    build_site()
    export = HEADER + post(10, extra=views_meta("views", "1099")) + post(11, extra=views_meta("post_views_count", "12"))
    report = services.import_export(io.BytesIO((export + post(12) + FOOTER).encode()))
    assert report.created["starting view counts"] == 2
    first = imported_article(10)
    assert PageViewTotal.objects.get(page_id=first.pk).views == 1099
    assert PageViewTotal.objects.get(page_id=imported_article(11).pk).views == 12
    assert not PageViewTotal.objects.filter(page_id=imported_article(12).pk).exists()

    readers = tables.Batch()
    readers.add_field(f"view|{first.pk}|{int(time.time()) // 3600 * 3600}", 5)  # counted here since, by a flush
    with transaction.atomic():
        tables.add_counts(readers)
    fresh = HEADER + post(10, extra=views_meta("views", "2000")) + post(11) + post(12) + FOOTER
    again = services.import_export(io.BytesIO(fresh.encode()))

    assert again.updated["starting view counts"] == 1
    assert PageViewTotal.objects.get(page_id=first.pk).views == 2005  # the new starting count and the 5 counted here
    assert PageViewTotal.objects.get(page_id=imported_article(11).pk).views == 0  # the export no longer has one
    labels = view_count_labels([first.pk], settings=AnalyticsSettings(minimum_views_shown=0))
    assert labels == {first.pk: "2,005 Views"}


def test_a_200_mb_export_is_imported_as_a_stream_in_flat_memory(tmp_path):
    """Revisions (which a busy site's export is mostly made of) fill 200 MB around three
    posts: the import reads all of it twice (attachments first, then the rest), keeps one
    item at a time and brings the posts across, wherever they stand in the file."""
    build_site()
    text = "<p>" + "An earlier draft of a long investigation. " * 1200 + "</p>"  # ~50 KB
    revisions = "".join(
        post(n, text).replace("<wp:post_type>post</wp:post_type>", "<wp:post_type>revision</wp:post_type>")
        for n in range(1000, 1100)
    )
    export = tmp_path / "large.xml"
    with export.open("w") as out:
        out.write(HEADER + post(1))
        written = 0
        middle_written = False
        while written < 200 * 1024 * 1024:
            out.write(revisions)
            written += len(revisions)
            if written >= 100 * 1024 * 1024 and not middle_written:
                out.write(post(2))
                middle_written = True
        out.write(post(3) + FOOTER)

    tracemalloc.start()
    try:
        report = services.import_export(str(export))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert report.created["articles"] == 3
    assert report.skipped["revisions are not imported (the current text is)"] == written // len(revisions) * 100
    assert peak < 32 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB importing a {written / 1024 / 1024:.0f} MB file"


def imported_page(wordpress_id: int) -> SimplePage:
    entry = ImportedObject.objects.get(kind="page", key=str(wordpress_id))
    return SimplePage.objects.get(pk=entry.object_id)


def test_pages_become_simple_pages_nested_as_in_wordpress(client, theme_test_import):
    report = theme_test_import

    # Level 3 comes before Level 2, and Level 2 before Level 1, in the export.
    assert imported_page(172).url == "/level-1/level-2/level-3/"
    assert imported_page(1813).get_parent().specific == imported_page(1811)
    assert imported_page(155).url == "/about/page-with-comments/"
    assert report.skipped["comments on pages (Masthead's simple pages take no comments)"] == 5
    for page in SimplePage.objects.live():
        assert client.get(page.url).status_code == 200, page.url
    moved = client.get("/?page_id=172")
    assert moved.status_code == 301 and moved["Location"].endswith("/level-1/level-2/level-3/")
    assert not Redirect.objects.filter(old_path="/level-1/level-2/level-3").exists()  # its own address now

    # Importing again (test_importing_again_…) moves nothing: see there.


def category(slug: str, name: str, parent: str = "") -> str:
    return (
        f"<wp:category><wp:term_id>{len(slug)}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent><wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>\n"
    )


def test_nested_categories_become_nested_sections_and_parents_list_their_childrens_posts(client):
    build_site()
    in_europe = '<category domain="category" nicename="europe"><![CDATA[Europe]]></category>'
    export = (
        HEADER
        + category("europe", "Europe", parent="world")  # WordPress may write a child before its parent
        + category("world", "World")
        + post(10, extra=in_europe)
        + FOOTER
    )
    services.import_export(io.BytesIO(export.encode()))

    article = imported_article(10)
    europe = article.get_parent().specific
    assert (europe.title, europe.get_parent().title) == ("Europe", "World")
    assert article.url == "/world/europe/story-10/"
    assert [section.title for section in article.secondary_sections.all()] == ["World"]
    assert client.get(article.url).status_code == 200
    for listing in ("/world/", "/world/europe/"):
        assert article.url in client.get(listing).text
    assert "/world/europe/</loc>" in client.get("/sitemaps/pages.xml").text


def test_three_levels_of_categories_in_wordpresss_test_export_nest(theme_test_import):
    child_2 = SectionPage.objects.get(slug="child-2")
    assert [page.title for page in child_2.get_ancestors()[2:]] == ["Parent", "Child 1"]


def test_the_summary_accounts_for_every_post_page_category_tag_and_comment(theme_test_import):
    report = theme_test_import
    records = list(wxr.read(str(FIXTURE)))
    items = [record for record in records if isinstance(record, wxr.Item)]
    categories = [r for r in records if isinstance(r, wxr.Term) and r.kind == "category"]
    tags = [r for r in records if isinstance(r, wxr.Term) and r.kind == "post_tag"]

    assert report.created["articles"] == sum(item.post_type == "post" for item in items) == 58
    assert report.created["pages"] == sum(item.post_type == "page" for item in items) == 21
    assert report.created["sections"] + report.skipped["categories on no post (no section made)"] == len(categories)
    on_posts = {
        term.slug for item in items if item.post_type == "post" for term in item.terms if term.kind == "post_tag"
    }
    assert report.skipped["tags on no post"] == len({tag.slug for tag in tags} - on_posts) == 50
    assert report.created["tags"] == 63  # 64 names on posts (4 not in the export's list): "Tags" and "tags" are one
    comment_reasons = [reason for reason in report.skipped if "comments" in reason or "backs" in reason]
    skipped_comments = sum(report.skipped[reason] for reason in comment_reasons)
    assert report.created["comments"] + skipped_comments == sum(len(item.comments) for item in items) == 33


def test_when_a_post_last_changed_is_wordpresss_modified_date_not_the_imports(client):
    build_site()
    modified = "<wp:post_modified_gmt>2024-06-02 10:15:00</wp:post_modified_gmt>"
    export = HEADER + post(10, extra=modified) + FOOTER
    services.import_export(io.BytesIO(export.encode()))

    article = imported_article(10)
    changed = datetime.datetime(2024, 6, 2, 10, 15, tzinfo=datetime.UTC)
    assert article.last_published_at == changed
    assert article.published_at == datetime.datetime(2024, 5, 1, 8, 30, tzinfo=datetime.UTC)
    news_article = of_type(extract(client, article.url), "NewsArticle")
    assert datetime.datetime.fromisoformat(news_article["dateModified"]) == changed
    (lastmod,) = read_xml(client, "/sitemaps/articles-2024-05.xml").iterfind(".//s:lastmod", NS)
    assert datetime.datetime.fromisoformat(lastmod.text) == changed
