"""One article's comments out as JSON and back in (masthead.comments.exchange): threading
and counts kept, re-imports that update instead of duplicating, and files that are
wrong in any way refused whole, from the admin, the service and the command line."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from masthead.comments import selectors, services
from masthead.comments.exchange import ImportRejected, comments_parse
from masthead.comments.models import Comment, Discussion
from masthead.comments.tests.factories import open_settings, post_comment
from masthead.comments.tests.hostile import GROWING_EMAIL
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Council votes on the harbour")


@pytest.fixture
def copy_target(site_tree):
    return make_article(site_tree.sections["news"], title="Harbour vote, the archive")


@pytest.fixture
def thread(article):
    """A lively thread: replies three deep, a removed comment kept for its reply, a
    pending one, a spam one, a staff reply."""
    settings = open_settings()
    top = post_comment(article, name="Ada", body="First: https://example.org/minutes", settings=settings)
    reply = post_comment(article, name="Ben", parent=top, settings=settings, ip="203.0.113.5")
    deeper = post_comment(article, name="Cleo", parent=reply, settings=settings)
    removed = post_comment(article, name="Dan", settings=settings)
    post_comment(article, name="Eve", parent=removed, settings=settings)
    services.comment_set_status(comment=removed, status=Comment.Status.TRASH, reason="Insults.")
    pending = post_comment(article, name="Finn", parent=top, settings=settings)
    services.comment_set_status(comment=pending, status=Comment.Status.PENDING)
    spam = post_comment(article, name="Gil", settings=settings)
    services.comment_set_status(comment=spam, status=Comment.Status.SPAM)
    post_comment(article, name="Newsdesk", parent=deeper, settings=settings, is_staff=True)
    return top


def shape(page) -> list[tuple]:
    """The thread as a reader and a moderator see it, independent of ids."""
    comments = list(Comment.objects.filter(page=page).order_by("path"))
    names = {comment.pk: comment.author_name for comment in comments}
    return [
        (
            comment.author_name,
            names.get(comment.parent_id),
            names.get(comment.root_id),
            comment.depth,
            comment.status,
            comment.in_thread,
            comment.reply_count,
            comment.body,
            comment.is_staff_reply,
            comment.removal_reason,
            comment.created_at,
        )
        for comment in comments
    ]


def counts(page) -> tuple:
    discussion = Discussion.objects.get(page=page)
    return discussion.approved_count, discussion.pending_count, discussion.last_comment_at


def test_export_then_import_into_another_article_keeps_threading_statuses_and_counts(thread, article, copy_target):
    data = json.loads(json.dumps(services.comments_export(article)))

    report = services.comments_import(copy_target, data)

    assert (report.created, report.updated) == (8, 0)
    assert shape(copy_target) == shape(article)
    assert counts(copy_target) == counts(article)
    [original] = selectors.thread_page(page_id=article.pk).nodes[-1:]
    [copied] = selectors.thread_page(page_id=copy_target.pk).nodes[-1:]
    assert original.comment.author_name == copied.comment.author_name == "Ada"
    assert [n.comment.author_name for n in copied.replies] == [n.comment.author_name for n in original.replies]


def test_reimporting_updates_instead_of_duplicating(thread, article, copy_target, django_capture_on_commit_callbacks):
    data = services.comments_export(article)
    services.comments_import(copy_target, data)
    data["comments"][0]["body"] = "First, corrected: the minutes are online."

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = services.comments_import(copy_target, data)

    assert (report.created, report.updated) == (0, 8)
    assert Comment.objects.filter(page=copy_target).count() == 8
    assert Comment.objects.get(page=copy_target, author_name="Ada").body.startswith("First, corrected")
    assert callbacks, "the article's discussion is purged after the import"


def test_importing_an_articles_own_export_back_changes_nothing(thread, article):
    before, before_counts = shape(article), counts(article)

    report = services.comments_import(article, services.comments_export(article))

    assert (report.created, report.updated) == (0, 8)
    assert shape(article) == before and counts(article) == before_counts


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(thread, article, copy_target):
    report = services.comments_import(copy_target, services.comments_export(article), dry_run=True)

    assert (report.created, report.updated, report.dry_run) == (8, 0, True)
    assert "Would import 8 comments" in str(report)
    assert not Comment.objects.filter(page=copy_target).exists()


def test_an_imported_body_is_text_never_markup(copy_target):
    data = {
        "format": "masthead-comments",
        "version": 1,
        "comments": [
            {
                "id": "wp-1",
                "parent": None,
                "author_name": "<b>Mallory</b>",
                "body": "<script>alert(1)</script> <img src=x onerror=alert(2)> \u202eevil",
                "status": "approved",
                "created_at": "2025-01-02T03:04:05",
            }
        ],
    }

    services.comments_import(copy_target, data)

    comment = Comment.objects.get(page=copy_target)
    assert "<script" not in comment.body_html and "<img" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html and "\u202e" not in comment.body
    assert comment.created_at.tzinfo is not None and counts(copy_target)[0] == 1


def good_item(**changes) -> dict:
    item = {
        "id": "c1",
        "parent": None,
        "author_name": "Ada",
        "author_email": "ada@example.org",
        "body": "Fine.",
        "status": "approved",
        "created_at": "2025-01-02T03:04:05+00:00",
    }
    item.update(changes)
    return item


def envelope(*items, **changes) -> dict:
    return {"format": "masthead-comments", "version": 1, "comments": list(items), **changes}


HOSTILE_FILES = {
    "not JSON": b"this is not json",
    "truncated": b'{"format": "masthead-comments", "comments": [',
    "not UTF-8": b"\xff\xfe\x00{",
    "nested to death": b"[" * 100_000 + b"]" * 100_000,
    "a list": b"[]",
    "NaN": b'{"format": "masthead-comments", "version": NaN, "comments": []}',
    "huge number": b'{"version": ' + b"9" * 5000 + b"}",
}

HOSTILE_DATA = {
    "wrong format": envelope(good_item(), format="wordpress"),
    "wrong version": envelope(good_item(), version=2),
    "comments not a list": envelope(comments={"a": 1}),
    "item not an object": envelope("hello"),
    "no id": envelope(good_item(id=None)),
    "id not text": envelope(good_item(id=7)),
    "id too long": envelope(good_item(id="x" * 101)),
    "duplicate id": envelope(good_item(), good_item()),
    "parent unknown": envelope(good_item(parent="nope")),
    "parent later in the file": envelope(good_item(id="a", parent="b"), good_item(id="b")),
    "own parent": envelope(good_item(id="a", parent="a")),
    "empty name": envelope(good_item(author_name="  \u202e ")),
    "name too long": envelope(good_item(author_name="n" * 81)),
    "bad email": envelope(good_item(author_email="not an address")),
    "script url": envelope(good_item(author_url="javascript:alert(1)")),
    "empty body": envelope(good_item(body="")),
    "body not text": envelope(good_item(body=["a"])),
    "body of 100 KB": envelope(good_item(body="x" * 100_000)),
    "unknown status": envelope(good_item(status="published")),
    "bad date": envelope(good_item(created_at="yesterday")),
    "no date": envelope(good_item(created_at=None)),
    "likes negative": envelope(good_item(like_count=-1)),
    "likes a bool": envelope(good_item(like_count=True)),
    "staff not a bool": envelope(good_item(is_staff_reply="yes")),
    "bad ip": envelope(good_item(ip_address="999.0.0.1")),
    "email too long in lower case": envelope(good_item(author_email=GROWING_EMAIL)),
    "too deep": envelope(*[good_item(id=f"d{n}", parent=f"d{n - 1}" if n else None) for n in range(12)]),
}


@pytest.mark.parametrize("raw", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_a_file_that_is_not_an_export_is_refused_with_a_reason(copy_target, raw):
    with pytest.raises(ImportRejected) as refused:
        services.comments_import(copy_target, comments_parse(raw))
    assert refused.value.errors and all(isinstance(error, str) and error for error in refused.value.errors)
    assert not Comment.objects.filter(page=copy_target).exists()


@pytest.mark.parametrize("data", HOSTILE_DATA.values(), ids=HOSTILE_DATA.keys())
def test_an_export_with_any_wrong_part_is_refused_whole(copy_target, data):
    valid_first = good_item(id="valid-first")
    if isinstance(data.get("comments"), list):
        data = {**data, "comments": [valid_first, *data["comments"]]}

    with pytest.raises(ImportRejected) as refused:
        services.comments_import(copy_target, data)

    assert any("comments" in error or "format" in error or "version" in error for error in refused.value.errors)
    assert not Comment.objects.filter(page=copy_target).exists()


def test_replies_that_would_form_a_loop_through_existing_comments_are_refused(article):
    settings = open_settings()
    first, second = post_comment(article, settings=settings), post_comment(article, settings=settings)
    data = services.comments_export(article)
    by_id = {item["id"]: item for item in data["comments"]}
    first_id, second_id = f"masthead:{first.pk}", f"masthead:{second.pk}"
    by_id[first_id]["parent"], by_id[second_id]["parent"] = second_id, first_id
    before = shape(article)

    with pytest.raises(ImportRejected, match="loop"):
        services.comments_import(article, data)

    assert shape(article) == before


# From the admin and the command line


@pytest.fixture
def admin_client(client, site_tree):
    client.force_login(get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only"))
    return client


def test_the_admin_downloads_an_export_and_uploads_it_to_another_article(admin_client, thread, article, copy_target):
    download = admin_client.get(reverse("wagtailsnippets_comments_comment:export", args=[article.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert download["Content-Type"].startswith("application/json")
    import_url = reverse("wagtailsnippets_comments_comment:import", args=[copy_target.pk])
    assert admin_client.get(import_url).status_code == 200

    check = admin_client.post(import_url, {"file": SimpleUploadedFile("c.json", download.content), "dry_run": "on"})
    assert check.status_code == 200 and "Would import 8 comments" in check.content.decode()
    assert not Comment.objects.filter(page=copy_target).exists()

    done = admin_client.post(import_url, {"file": SimpleUploadedFile("c.json", download.content)})
    assert done.status_code == 302
    assert shape(copy_target) == shape(article)


@pytest.mark.parametrize("raw", [*HOSTILE_FILES.values(), json.dumps(HOSTILE_DATA["script url"]).encode()])
def test_the_admin_upload_shows_what_is_wrong_with_a_bad_file_and_never_fails(admin_client, copy_target, raw):
    import_url = reverse("wagtailsnippets_comments_comment:import", args=[copy_target.pk])

    with pytest.raises(ImportRejected) as refused:
        services.comments_import(copy_target, comments_parse(raw))

    response = admin_client.post(import_url, {"file": SimpleUploadedFile("c.json", raw)})

    assert response.status_code == 200
    assert escape(refused.value.errors[0]) in response.content.decode()
    assert not Comment.objects.filter(page=copy_target).exists()


def test_the_commands_export_to_a_file_and_import_it_with_a_dry_run_first(
    thread, article, copy_target, tmp_path, capsys
):
    target = tmp_path / "comments.json"
    call_command("comments_export", str(article.pk), "-o", str(target))
    assert len(json.loads(target.read_text())["comments"]) == 8

    call_command("comments_import", str(copy_target.pk), str(target), "--dry-run")
    assert "Would import 8 comments" in capsys.readouterr().out
    assert not Comment.objects.filter(page=copy_target).exists()

    call_command("comments_import", str(copy_target.pk), str(target))
    call_command("comments_import", str(copy_target.pk), str(target))
    assert "0 new, 8 updated" in capsys.readouterr().out
    assert shape(copy_target) == shape(article)


def test_the_import_command_says_what_is_wrong_and_changes_nothing(copy_target, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(envelope(good_item(author_email="nope"))))
    with pytest.raises(CommandError, match="author_email"):
        call_command("comments_import", str(copy_target.pk), str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("comments_import", str(copy_target.pk), str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="No page"):
        call_command("comments_export", "999999")
    with pytest.raises(CommandError, match="takes no comments"):
        call_command("comments_import", str(copy_target.get_parent().pk), str(bad))
    assert not Comment.objects.filter(page=copy_target).exists()


def test_a_recount_keeps_what_the_services_keep_visible(site_tree):
    """A comment sent back to the queue, and one under two removed ones, stay readable
    after an import's recount, as the services left them (found in review)."""
    from masthead.comments import selectors, services
    from masthead.comments.exchange import comments_recount
    from masthead.comments.models import Comment
    from masthead.comments.tests.factories import open_settings, post_comment
    from masthead.news.tests.factories import make_article

    article = make_article(site_tree.sections["news"])
    settings = open_settings()
    queued = post_comment(article, settings=settings)
    post_comment(article, parent=queued, settings=settings)
    a = post_comment(article, settings=settings)
    b = post_comment(article, parent=a, settings=settings)
    post_comment(article, parent=b, settings=settings)
    services.comment_set_status(comment=queued, status=Comment.Status.PENDING)
    services.comment_set_status(comment=b, status=Comment.Status.TRASH)
    services.comment_set_status(comment=a, status=Comment.Status.TRASH)

    def shown():
        return sorted(Comment.objects.filter(in_thread=True).values_list("pk", flat=True))

    before = shown()
    comments_recount(article.pk)
    assert shown() == before and len(before) == 5
    assert len(selectors.thread_page(page_id=article.pk).nodes) == 2
