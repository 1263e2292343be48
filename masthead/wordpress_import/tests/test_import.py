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
from wagtail.contrib.redirects.models import Redirect

from masthead.analytics import tables
from masthead.analytics.models import AnalyticsSettings, PageViewTotal
from masthead.analytics.selectors import view_count_labels
from masthead.news.models import ArticlePage, Author, SectionPage
from masthead.news.tests.factories import build_site
from masthead.wordpress_import import services
from masthead.wordpress_import.models import ImportedObject
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE, FOOTER, HEADER, post

pytestmark = pytest.mark.django_db


def imported_article(wordpress_id: int) -> ArticlePage:
    entry = ImportedObject.objects.get(kind="post", key=str(wordpress_id))
    return ArticlePage.objects.get(pk=entry.object_id)


def test_every_post_comes_across_in_its_state_and_renders(client):
    build_site()
    with open(FIXTURE, "rb") as source:
        report = services.import_export(source)

    assert report.created["articles"] == 58
    assert report.created["authors"] == 2
    assert ArticlePage.objects.count() == 58
    assert ArticlePage.objects.live().count() == 55  # the draft, the scheduled and the password-protected one are not
    scheduled = imported_article(1153)  # "Scheduled" in WordPress: future-dated
    assert not scheduled.live and scheduled.go_live_at is not None
    assert not imported_article(1168).live  # password-protected
    assert report.skipped["pages are not imported yet"] == 21

    sticky = ArticlePage.objects.get(is_staff_pick=True)
    assert sticky.title == "Template: Sticky"
    untitled = imported_article(1169)
    assert untitled.title  # a headline made from the text

    for article in ArticlePage.objects.live():
        response = client.get(article.url)
        assert response.status_code == 200, (article.title, response.status_code)


def test_bylines_sections_tags_and_dates_are_kept():
    tree = build_site()
    with open(FIXTURE, "rb") as source:
        services.import_export(source)

    article = imported_article(1174)  # "Markup: Title With Special Characters"
    assert article.title.startswith("Markup: Title With Special Characters")
    assert [link.author.name for link in article.article_authors.all()] == ["Theme Buster"]
    assert article.published_at == datetime.datetime(2013, 1, 5, 18, 0, 20, tzinfo=datetime.UTC)
    assert article.get_parent().specific.__class__ is SectionPage
    assert set(article.tags.names()) >= {"html", "markup"}
    assert tree.sections["news"].pk in SectionPage.objects.values_list("pk", flat=True)
    assert Author.objects.filter(name="Theme Reviewer").exists()


def test_old_addresses_redirect_permanently_to_the_new_article(client):
    build_site()
    with open(FIXTURE, "rb") as source:
        services.import_export(source)
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


def test_importing_again_updates_instead_of_duplicating():
    build_site()
    with open(FIXTURE, "rb") as source:
        services.import_export(source)
    article = imported_article(1174)
    article.title = "Edited here"
    article.save_revision().publish()

    with open(FIXTURE, "rb") as source:
        again = services.import_export(source)

    assert again.created["articles"] == 0 and again.updated["articles"] == 58
    assert again.created["authors"] == 0 and again.created["redirects"] == 0
    assert ArticlePage.objects.count() == 58
    assert Author.objects.filter(name="Theme Buster").count() == 1
    assert imported_article(1174).title.startswith("Markup: Title With Special Characters")


def test_the_command_imports_and_reports(capsys):
    build_site()
    call_command("import_wordpress", str(FIXTURE))
    out = capsys.readouterr().out
    assert "articles: 58 created, 0 updated" in out
    assert "skipped: 21 (pages are not imported yet)" in out


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
