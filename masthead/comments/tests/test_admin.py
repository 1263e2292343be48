"""Moderators in the Wagtail admin, through its own views as a moderator uses them: the
queue with its filters, row and bulk actions, staff replies, bans, closing an article,
pending counts on the dashboard and in the page explorer, and who may do any of it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from masthead.comments.models import Ban, Comment, Discussion, ModerationPolicy
from masthead.comments.tests.factories import comment_settings, open_settings, post_comment
from masthead.comments.tests.hostile import GROWING_EMAIL
from masthead.comments.tokens import form_issued_token
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db

QUEUE = reverse("wagtailsnippets_comments_comment:list")
BANS_ADD = reverse("wagtailsnippets_comments_ban:add")


def action_url(action: str, *comments, next_url: str = QUEUE) -> str:
    query = [("next", next_url)] + [("id", comment.pk) for comment in comments]
    return reverse("wagtail_bulk_action", args=("comments", "comment", action)) + "?" + urlencode(query)


def member_of(group_name: str):
    user = get_user_model().objects.create_user(
        f"{group_name.lower()}-member", email=f"{group_name.lower()}@example.org", password="pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def rows(response) -> str:
    """The listing's table, without the rest of the admin page."""
    text = response.content.decode()
    start = text.find('<table class="listing')
    return text[start : text.find("</table>", start)] if start >= 0 else ""


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Council votes on the harbour")


@pytest.fixture
def other_article(site_tree):
    return make_article(site_tree.sections["news"], title="Ferry timetable changes")


@pytest.fixture
def held():
    """Every new comment waits for a moderator."""
    return comment_settings(moderation=ModerationPolicy.EVERYONE)


@pytest.fixture
def superuser(site_tree):
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def editor_client(client, site_tree):
    client.force_login(member_of("Editors"))
    return client


@pytest.fixture
def author_client(client, site_tree):
    """Signed in to the admin, but not a moderator."""
    client.force_login(member_of("Authors"))
    return client


# The queue


def test_the_queue_opens_on_pending_comments_newest_first_with_what_a_moderator_needs(
    admin_client, article, other_article, held
):
    older = post_comment(article, name="Olive Older", email="olive@example.org", body="The vote was rushed.")
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    newer = post_comment(
        other_article, name="Nils Newer", email="nils@example.org", ip="203.0.113.9", body="When does the ferry run?"
    )
    approved = post_comment(article, name="Abe Approved", body="Already out there.")
    from masthead.comments import services

    services.comment_set_status(comment=approved, status=Comment.Status.APPROVED)

    response = admin_client.get(QUEUE)

    assert response.status_code == 200
    table = rows(response)
    assert table.index("Nils Newer") < table.index("Olive Older")
    assert "Abe Approved" not in table
    for shown in ("Ferry timetable changes", "nils@example.org", "203.0.113.9", newer.hold_reason, "When does the"):
        assert shown in table


def test_the_queue_filters_by_status_article_and_date_and_searches_name_email_and_body(
    admin_client, article, other_article, held
):
    from masthead.comments import services

    post_comment(article, name="Petra Pending", email="petra@example.org", body="About the harbour wall.")
    spam = post_comment(other_article, name="Sam Spammer", email="sam@spam.example", body="Cheap pills here.")
    services.comment_set_status(comment=spam, status=Comment.Status.SPAM)
    old = post_comment(article, name="Otto Old", body="From last year.")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))

    def names(**params):
        return {
            name
            for name in ("Petra Pending", "Sam Spammer", "Otto Old")
            if name in rows(admin_client.get(QUEUE, params))
        }

    assert names() == {"Petra Pending", "Otto Old"}
    assert names(status="spam") == {"Sam Spammer"}
    assert names(status="all") == {"Petra Pending", "Sam Spammer", "Otto Old"}
    assert names(status="all", article=other_article.pk) == {"Sam Spammer"}
    since = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert names(status="all", created_at_from=since) == {"Petra Pending", "Sam Spammer"}
    assert names(status="all", q="spam.example") == {"Sam Spammer"}
    assert names(status="all", q="harbour wall") == {"Petra Pending"}
    assert names(status="all", q="otto") == {"Otto Old"}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"article": "abc"},
        {"q": "nul\x00byte"},
        {"q": "x" * 5000},
        {"article": str(10**30)},
        {"created_at_from": "yesterday"},
        {"p": "x"},
    ],
)
def test_bad_filter_values_never_fail_the_queue(admin_client, article, held, params):
    post_comment(article)
    assert admin_client.get(QUEUE, params).status_code == 200


def test_the_queue_filtered_by_article_offers_close_export_and_import(admin_client, article, held):
    post_comment(article)
    text = admin_client.get(QUEUE, {"article": article.pk, "status": "all"}).content.decode()
    assert "Close comments" in text
    assert reverse("wagtailsnippets_comments_comment:export", args=[article.pk]) in text
    assert reverse("wagtailsnippets_comments_comment:import", args=[article.pk]) in text


# Row actions


def test_approving_a_row_publishes_it_keeps_the_counts_and_records_who(
    admin_client, superuser, article, held, django_capture_on_commit_callbacks
):
    comment = post_comment(article, body="Worth publishing.")
    assert action_url("approve", comment).replace("&", "&amp;") in rows(admin_client.get(QUEUE))

    assert admin_client.get(action_url("approve", comment)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(action_url("approve", comment))

    assert response.status_code == 302 and response["Location"] == QUEUE
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.in_thread
    assert comment.moderated_by == superuser and comment.hold_reason == ""
    discussion = Discussion.objects.get(page=article)
    assert (discussion.approved_count, discussion.pending_count) == (1, 0)
    assert "Worth publishing." in Client().get(reverse("comments:thread", args=[article.pk])).content.decode()


def test_rejecting_offers_the_sites_notice_and_the_commenter_sees_the_moderators_reasons(
    admin_client, article, held, monkeypatch
):
    import time

    issued = form_issued_token()
    real = time.time
    monkeypatch.setattr("masthead.comments.tokens.time.time", lambda: real() + 60)
    guest = Client()
    guest.post(
        f"/comments/{article.pk}/post/",
        {"name": "Gus Guest", "email": "gus@example.org", "body": "Something rude.", "issued": issued},
    )
    comment = Comment.objects.get(author_name="Gus Guest")

    form = admin_client.get(action_url("trash", comment)).content.decode()
    assert "Your comment was removed because it breaks our comment rules." in form

    admin_client.post(action_url("trash", comment), {"reason": "Personal attacks are not allowed here."})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert comment.removal_reason == "Personal attacks are not allowed here."
    (own,) = guest.get(f"/comments/{article.pk}/me/").json()["own"]
    assert own["status"] == "trash" and own["removal_reason"] == "Personal attacks are not allowed here."


def test_marking_as_spam_and_putting_back_to_pending_keep_the_counts(admin_client, article):
    open_settings()
    comment = post_comment(article)
    assert Discussion.objects.get(page=article).approved_count == 1

    admin_client.post(action_url("spam", comment), {"reason": ""})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM and not comment.in_thread
    assert Discussion.objects.get(page=article).approved_count == 0

    admin_client.post(action_url("pending", comment))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    discussion = Discussion.objects.get(page=article)
    assert (discussion.approved_count, discussion.pending_count) == (0, 1)


def test_bulk_actions_change_every_selected_comment_and_only_those(admin_client, article, other_article, held):
    first, second, untouched = post_comment(article), post_comment(other_article), post_comment(article)
    footer = admin_client.get(QUEUE).content.decode()
    assert all(f"/admin/bulk/comments/comment/{action}/" in footer for action in ("approve", "trash", "spam"))

    response = admin_client.post(action_url("approve", first, second))

    assert response.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "approved", untouched.pk: "pending"}
    assert Discussion.objects.get(page=article).approved_count == 1
    assert Discussion.objects.get(page=other_article).approved_count == 1

    admin_client.post(action_url("trash", first, second), {"reason": "Off topic."})
    assert set(Comment.objects.filter(status="trash").values_list("removal_reason", flat=True)) == {"Off topic."}


@pytest.mark.parametrize("ids", [["abc"], ["all"], ["1" * 30], []])
def test_bulk_actions_with_odd_ids_change_nothing_and_never_fail(admin_client, article, held, ids):
    comment = post_comment(article)
    url = (
        reverse("wagtail_bulk_action", args=("comments", "comment", "approve"))
        + "?"
        + urlencode([("id", pk) for pk in ids], doseq=True)
    )
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code in (200, 302)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_editing_a_comment_goes_through_the_service_and_keeps_its_status(admin_client, article, held):
    comment = post_comment(article, body="Teh vote was close.")
    edit_url = reverse("wagtailsnippets_comments_comment:edit", args=[comment.pk])
    assert "Teh vote was close." in admin_client.get(edit_url).content.decode()

    response = admin_client.post(edit_url, {"body": "The vote was close: https://example.org/vote"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The vote was close: https://example.org/vote"
    assert 'href="https://example.org/vote"' in comment.body_html and comment.edited_at is not None
    assert comment.status == Comment.Status.PENDING


def test_an_edit_to_nothing_or_past_the_length_limit_is_refused_with_a_message(admin_client, article, held):
    comment_settings(moderation=ModerationPolicy.EVERYONE, max_length=100)
    comment = post_comment(article, body="Short and fine.")
    edit_url = reverse("wagtailsnippets_comments_comment:edit", args=[comment.pk])

    empty = admin_client.post(edit_url, {"body": " \u202e "})
    long = admin_client.post(edit_url, {"body": "x" * 101})

    assert empty.status_code == 200 and "cannot be empty" in empty.content.decode()
    assert long.status_code == 200 and "at most 100 characters" in long.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Short and fine."


def test_nobody_adds_or_deletes_comments_in_the_admin(admin_client, article, held):
    comment = post_comment(article)
    add = admin_client.get(reverse("wagtailsnippets_comments_comment:add"))
    delete = admin_client.post(reverse("wagtailsnippets_comments_comment:delete", args=[comment.pk]))
    bulk_delete = admin_client.post(action_url("delete", comment))
    assert add.status_code in (302, 403) and delete.status_code in (302, 403) and bulk_delete.status_code in (200, 302)
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_staff_reply_is_published_with_the_badge_and_approves_the_comment_it_answers(
    admin_client, superuser, article, held, django_capture_on_commit_callbacks
):
    superuser.first_name, superuser.last_name = "Carla", "Chief"
    superuser.save()
    question = post_comment(article, name="Quinn", body="Who pays for the dredging?")
    reply_url = reverse("wagtailsnippets_comments_comment:reply", args=[question.pk])
    assert "Who pays for the dredging?" in admin_client.get(reply_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reply_url, {"body": "The port authority does; see the budget."})

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert reply.is_staff_reply and reply.status == Comment.Status.APPROVED and reply.user == superuser
    assert reply.author_name == "Carla Chief"
    question.refresh_from_db()
    assert question.status == Comment.Status.APPROVED and question.reply_count == 1
    thread = Client().get(reverse("comments:thread", args=[article.pk])).content.decode()
    assert re.search(r"Carla Chief\s*<span class=\"badge\">Staff</span>", thread)


def test_a_staff_reply_to_a_removed_comment_or_an_empty_one_is_refused(admin_client, article, held):
    from masthead.comments import services

    removed = post_comment(article)
    services.comment_set_status(comment=removed, status=Comment.Status.TRASH)
    pending = post_comment(article)

    to_removed = admin_client.post(reverse("wagtailsnippets_comments_comment:reply", args=[removed.pk]), {"body": "Hi"})
    empty = admin_client.post(reverse("wagtailsnippets_comments_comment:reply", args=[pending.pk]), {"body": "\u202e"})

    assert to_removed.status_code == 200 and "was removed" in to_removed.content.decode()
    assert empty.status_code == 200 and "Write something" in empty.content.decode()
    assert not Comment.objects.filter(is_staff_reply=True).exists()
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING
    assert admin_client.get(reverse("wagtailsnippets_comments_comment:reply", args=[10**30])).status_code == 404


# Bans


def test_ban_this_author_opens_a_prefilled_ban_and_the_ban_refuses_their_next_comment(
    admin_client, superuser, article, held, django_capture_on_commit_callbacks
):
    from masthead.comments import services

    comment = post_comment(article, email="troll@example.org", ip="198.51.100.7")
    table = rows(admin_client.get(QUEUE))
    email_link = f"{BANS_ADD}?{urlencode({'kind': 'email', 'value': 'troll@example.org'})}"
    assert email_link.replace("&", "&amp;") in table
    assert f"{BANS_ADD}?{urlencode({'kind': 'ip', 'value': '198.51.100.7'})}".replace("&", "&amp;") in table

    form = admin_client.get(email_link).content.decode()
    assert 'value="troll@example.org"' in form

    with django_capture_on_commit_callbacks(execute=True):  # the request's commit, which retires the kept bans
        response = admin_client.post(
            BANS_ADD, {"kind": "email", "value": " Troll@Example.org ", "reason": "Repeated abuse", "expires_at": ""}
        )

    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.value, ban.created_by) == ("troll@example.org", superuser)
    with pytest.raises(services.CommentRefused):
        post_comment(article, email="troll@example.org", body=comment.body + " again")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("ip", "999.1.1.1"),
        ("network", "10.0.0.0/99"),
        ("email", "not-an-address"),
        ("ip", ""),
        ("email", GROWING_EMAIL),  # longer than its column once in lower case (found in review)
    ],
)
def test_a_ban_that_is_not_an_address_is_refused_with_a_message(admin_client, kind, value):
    response = admin_client.post(BANS_ADD, {"kind": kind, "value": value, "reason": "", "expires_at": ""})
    assert response.status_code == 200
    assert not Ban.objects.exists()


def test_a_range_ban_is_kept_in_cidr_form(admin_client):
    admin_client.post(BANS_ADD, {"kind": "network", "value": "203.0.113.77/24", "reason": "", "expires_at": ""})
    assert Ban.objects.get().value == "203.0.113.0/24"


# Closing an article's comments


def test_closing_and_reopening_an_articles_comments_from_the_admin(
    admin_client, article, django_capture_on_commit_callbacks
):
    close_url = reverse("wagtailsnippets_comments_comment:close", args=[article.pk])
    assert "Close comments" in admin_client.get(close_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(close_url, {"closed": "True", "next": "https://evil.example/"})

    assert response.status_code == 302 and not response["Location"].startswith("https://evil")
    assert Discussion.objects.get(page=article).closed
    assert "Reopen comments" in admin_client.get(close_url).content.decode()
    admin_client.post(close_url, {"closed": ""})
    assert not Discussion.objects.get(page=article).closed


def test_close_is_offered_in_the_page_explorer_and_on_the_page_itself(admin_client, article):
    close_url = reverse("wagtailsnippets_comments_comment:close", args=[article.pk])
    explorer = admin_client.get(reverse("wagtailadmin_explore", args=[article.get_parent().pk])).content.decode()
    editor = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert close_url in explorer and close_url in editor


def test_closing_a_page_that_takes_no_comments_is_404(admin_client, site_tree):
    section = site_tree.sections["news"]
    assert admin_client.get(reverse("wagtailsnippets_comments_comment:close", args=[section.pk])).status_code == 404


# Who may moderate


def test_editors_and_moderators_moderate_comments(editor_client, article, held):
    assert Group.objects.get(name="Moderators").permissions.filter(codename="change_comment").exists()
    comment = post_comment(article)

    assert editor_client.get(QUEUE).status_code == 200
    editor_client.post(action_url("approve", comment))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_users_without_the_moderation_permission_can_neither_see_nor_use_the_queue(author_client, article, held):
    comment = post_comment(article)
    urls = [
        QUEUE,
        action_url("approve", comment),
        reverse("wagtailsnippets_comments_comment:edit", args=[comment.pk]),
        reverse("wagtailsnippets_comments_comment:reply", args=[comment.pk]),
        reverse("wagtailsnippets_comments_comment:close", args=[article.pk]),
        reverse("wagtailsnippets_comments_comment:export", args=[article.pk]),
        reverse("wagtailsnippets_comments_comment:import", args=[article.pk]),
        BANS_ADD,
    ]
    for url in urls:
        assert author_client.get(url).status_code in (302, 403), url
        assert author_client.post(url, {"body": "sneaky", "closed": "True"}).status_code in (302, 403), url

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and comment.body != "sneaky"
    assert not Comment.objects.filter(is_staff_reply=True).exists()
    assert not Discussion.objects.get(page=article).closed
    home = author_client.get(reverse("wagtailadmin_home")).content.decode()
    explorer = author_client.get(reverse("wagtailadmin_explore", args=[article.get_parent().pk])).content.decode()
    assert "pending comment" not in home and "1 pending" not in explorer


# Pending counts


def test_the_dashboard_shows_pending_comments_in_a_panel_and_the_summary(admin_client, article, held):
    post_comment(article, name="Dora Dashboard", body="Waiting here.")
    post_comment(article)

    text = admin_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Comments waiting for a moderator" in text and "Dora Dashboard" in text
    assert "2 pending comments" in text and "2 comments pending" in text
    assert f"{QUEUE}?status=pending" in text


def test_the_page_explorer_shows_pending_counts_with_one_query_for_all_listed_pages(admin_client, site_tree, held):
    section = site_tree.sections["news"]
    explore = reverse("wagtailadmin_explore", args=[section.pk])

    def listing(articles: int) -> tuple[str, int, int]:
        for number in range(articles):
            page = make_article(section, title=f"Story {articles}-{number}")
            for _ in range(number + 1):
                post_comment(page)
        with CaptureQueriesContext(connection) as queries:
            text = admin_client.get(explore).content.decode()
        about_discussions = [q["sql"] for q in queries.captured_queries if "comments_discussion" in q["sql"]]
        return text, len(queries.captured_queries), len(about_discussions)

    admin_client.get(explore)  # warm up caches of the first request (content types, site)
    text, few_total, few_discussion_queries = listing(2)
    assert "1 pending" in text and "2 pending" in text
    page = Comment.objects.filter(status="pending").values_list("page_id", flat=True).first()
    assert f"{QUEUE}?{urlencode({'article': page, 'status': 'pending'})}".replace("&", "&amp;") in text

    _, many_total, many_discussion_queries = listing(4)
    assert few_discussion_queries == many_discussion_queries == 1
    assert many_total == few_total


def test_the_dashboard_asks_about_comments_a_fixed_number_of_times_however_many_wait(admin_client, article, held):
    def comment_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(reverse("wagtailadmin_home"))
        return sum("comments_comment" in query["sql"] for query in queries.captured_queries)

    post_comment(article)
    few = comment_queries()
    for _ in range(12):
        post_comment(article)
    many = comment_queries()

    assert few == many == 2  # the count, shared by the panel and the summary, and the latest few


def test_odd_digits_in_a_bulk_action_are_ignored_not_an_error(admin_client, article, held):
    """ "²" passes str.isdigit() but not int() (found in review)."""
    url = reverse("wagtail_bulk_action", args=("comments", "comment", "approve")) + "?id=%C2%B2&next=/admin/"
    assert admin_client.get(url).status_code < 500


def test_a_non_moderator_is_refused_before_any_lookup(author_client, article):
    """403 whether the comment or page exists or not: a 404 would say which ids exist (found in review)."""
    for name, args in (("reply", [999_999]), ("close", [999_999]), ("close", [article.pk])):
        response = author_client.get(reverse(f"wagtailsnippets_comments_comment:{name}", args=args))
        assert response.status_code in (302, 403), (name, args, response.status_code)
        assert response.status_code != 404
