"""Posting, threading, moderating, editing and liking comments (masthead.comments.services)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.comments import selectors, services
from masthead.comments.models import Ban, Comment, Discussion, ModerationPolicy
from masthead.comments.selectors import Sort
from masthead.comments.tests.factories import comment_settings, open_settings, post_comment
from masthead.comments.tests.hostile import GROWING_EMAIL
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.sections["news"], title="Council votes on the harbour")


def test_a_first_time_commenter_waits_for_a_moderator_and_then_needs_none(article):
    settings = comment_settings(moderation=ModerationPolicy.FIRST_TIME)
    first = post_comment(article, email="ada@example.org", settings=settings)
    assert first.status == Comment.Status.PENDING and first.hold_reason
    services.comment_set_status(comment=first, status=Comment.Status.APPROVED)
    second = post_comment(article, email="ADA@example.org", settings=settings)
    assert second.status == Comment.Status.APPROVED
    assert Discussion.objects.get(page=article).approved_count == 2


def test_pre_moderating_everyone_holds_every_comment_and_no_one_holds_none(article):
    held = post_comment(article, settings=comment_settings(moderation=ModerationPolicy.EVERYONE))
    published = post_comment(article, settings=comment_settings(moderation=ModerationPolicy.NOBODY))
    assert (held.status, published.status) == (Comment.Status.PENDING, Comment.Status.APPROVED)
    discussion = Discussion.objects.get(page=article)
    assert (discussion.approved_count, discussion.pending_count) == (1, 1)


def test_blocked_words_and_too_many_links_hold_a_comment_whatever_the_policy(article):
    settings = open_settings(blocked_words="casino\nmiracle cure", max_links=2)
    assert post_comment(article, body="Try the Miracle Cure now", settings=settings).status == Comment.Status.PENDING
    links = "see https://a.example https://b.example https://c.example"
    held = post_comment(article, body=links, settings=settings)
    assert held.status == Comment.Status.PENDING and "links" in held.hold_reason
    assert post_comment(article, body="A fair point about the vote.", settings=settings).status == "approved"


def test_replies_nest_to_the_site_depth_and_deeper_replies_join_the_last_level(article):
    settings = open_settings(max_depth=3)
    top = post_comment(article, settings=settings)
    one = post_comment(article, parent=top, settings=settings)
    two = post_comment(article, parent=one, settings=settings)
    three = post_comment(article, parent=two, settings=settings)
    assert [c.depth for c in (top, one, two, three)] == [0, 1, 2, 2]
    assert three.parent_id == one.pk and three.root_id == top.pk
    top.refresh_from_db()
    assert top.reply_count == 3

    page = selectors.thread_page(page_id=article.pk)
    (node,) = page.nodes
    assert [child.comment.pk for child in node.replies] == [one.pk]
    assert [child.comment.pk for child in node.replies[0].replies] == [two.pk, three.pk]


def test_threads_sort_by_newest_oldest_and_most_liked_and_page_by_cursor(article):
    settings = open_settings()
    now = timezone.now()
    comments = [post_comment(article, settings=settings) for _ in range(5)]
    for age, comment in enumerate(reversed(comments)):
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=age))
    services.comment_like(comment=comments[1], reader_key="a")
    services.comment_like(comment=comments[1], reader_key="b")
    services.comment_like(comment=comments[3], reader_key="a")

    def ids(sort, **kwargs):
        return [node.comment.pk for node in selectors.thread_page(page_id=article.pk, sort=sort, **kwargs).nodes]

    assert ids(Sort.NEWEST) == [c.pk for c in reversed(comments)]
    assert ids(Sort.OLDEST) == [c.pk for c in comments]
    assert ids(Sort.LIKED)[:2] == [comments[1].pk, comments[3].pk]
    first = selectors.thread_page(page_id=article.pk, sort=Sort.OLDEST, limit=2)
    assert [n.comment.pk for n in first.nodes] == [comments[0].pk, comments[1].pk]
    assert ids(Sort.OLDEST, cursor=first.next_cursor, limit=2) == [comments[2].pk, comments[3].pk]
    with pytest.raises(selectors.InvalidCursor):
        selectors.thread_page(page_id=article.pk, cursor="01-2")


def test_a_like_counts_once_per_reader_and_a_second_like_takes_it_back(article):
    comment = post_comment(article, settings=open_settings())
    assert services.comment_like(comment=comment, reader_key="r1") == (True, 1)
    assert services.comment_like(comment=comment, reader_key="r2") == (True, 2)
    assert services.comment_like(comment=comment, reader_key="r1") == (False, 1)


def test_a_removed_comment_with_replies_stays_as_a_placeholder_and_without_them_goes(article):
    settings = open_settings()
    top = post_comment(article, settings=settings)
    post_comment(article, parent=top, settings=settings)
    lonely = post_comment(article, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.TRASH, reason="Insults another reader.")
    services.comment_set_status(comment=lonely, status=Comment.Status.SPAM)
    page = selectors.thread_page(page_id=article.pk)
    assert [(n.comment.pk, n.removed) for n in page.nodes] == [(top.pk, True)]
    assert len(page.nodes[0].replies) == 1
    assert Discussion.objects.get(page=article).approved_count == 1
    top.refresh_from_db()
    assert top.removal_reason == "Insults another reader."


def test_an_author_may_edit_and_delete_only_within_the_window(article):
    settings = open_settings(edit_minutes=15)
    comment = post_comment(article, settings=settings)
    services.comment_edit_by_author(comment=comment, body="Corrected: the vote is on Tuesday.", settings=settings)
    comment.refresh_from_db()
    assert "Tuesday" in comment.body_html and comment.edited_at
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(services.CommentRefused):
        services.comment_edit_by_author(comment=comment, body="Too late", settings=settings)
    with pytest.raises(services.CommentRefused):
        services.comment_delete_by_author(comment=comment, settings=settings)


def test_an_edit_that_adds_a_blocked_word_goes_back_to_the_queue(article):
    settings = open_settings(blocked_words="casino")
    comment = post_comment(article, settings=settings)
    services.comment_edit_by_author(comment=comment, body="Visit my casino", settings=settings)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert Discussion.objects.get(page=article).approved_count == 0


def test_bans_by_email_address_and_range_refuse_until_they_expire(article):
    settings = open_settings()
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="troll@example.org")
    Ban.objects.create(kind=Ban.Kind.NETWORK, value="203.0.113.0/24")
    Ban.objects.create(kind=Ban.Kind.IP, value="198.51.100.7", expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.CommentRefused):
        post_comment(article, email="Troll@example.org", settings=settings)
    with pytest.raises(services.CommentRefused):
        post_comment(article, settings=settings, ip="203.0.113.99")
    assert post_comment(article, settings=settings, ip="198.51.100.7").status == "approved"


def test_a_ban_reaches_the_list_each_worker_keeps_as_soon_as_it_is_saved_and_lifted(
    article, django_capture_on_commit_callbacks
):
    """Workers keep the ban list between posts: saving or deleting a ban must retire it."""
    settings = open_settings()
    post_comment(article, email="first@example.org", settings=settings, ip="192.0.2.1")  # the list is now kept
    with django_capture_on_commit_callbacks(execute=True):
        ban = Ban.objects.create(kind=Ban.Kind.IP, value="192.0.2.1")
    with pytest.raises(services.CommentRefused):
        post_comment(article, email="second@example.org", settings=settings, ip="192.0.2.1")
    with django_capture_on_commit_callbacks(execute=True):
        ban.delete()
    assert post_comment(article, email="third@example.org", settings=settings, ip="192.0.2.1").status == "approved"


def test_a_ban_matches_however_the_address_is_written(article):
    """Stored addresses are normalised; an IPv6 address may arrive in another spelling."""
    settings = open_settings()
    Ban.objects.create(kind=Ban.Kind.IP, value="2001:db8::1")
    Ban.objects.create(kind=Ban.Kind.NETWORK, value="2001:db8:1::/48")
    for spelling in ("2001:DB8:0:0:0:0:0:1", "2001:db8:1:ffff::9"):
        with pytest.raises(services.CommentRefused):
            post_comment(article, settings=settings, ip=spelling)
    assert post_comment(article, settings=settings, ip="2001:db8:2::1").status == "approved"


def test_closed_discussions_and_old_articles_take_no_comments(article):
    settings = open_settings()
    services.discussion_set_closed(page_id=article.pk, closed=True)
    with pytest.raises(services.CommentRefused, match="closed"):
        post_comment(article, settings=settings)
    services.discussion_set_closed(page_id=article.pk, closed=False)
    type(article).objects.filter(pk=article.pk).update(first_published_at=timezone.now() - timedelta(days=40))
    article.refresh_from_db()
    with pytest.raises(services.CommentRefused, match="closed"):
        post_comment(article, settings=open_settings(close_after_days=30))


def test_length_limits_give_a_clear_message(article):
    settings = open_settings(max_length=200)
    with pytest.raises(services.CommentRefused, match="at most 200 characters"):
        post_comment(article, body="x" * 201, settings=settings)
    with pytest.raises(services.CommentRefused, match="Write something"):
        post_comment(article, body=" \n\u202e ", settings=settings)


def test_a_reply_approved_under_a_removed_comment_shows_under_a_placeholder(article):
    settings = comment_settings(moderation=ModerationPolicy.EVERYONE)
    top = post_comment(article, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.APPROVED)
    reply = post_comment(article, parent=top, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.TRASH)
    services.comment_set_status(comment=reply, status=Comment.Status.APPROVED)
    (node,) = selectors.thread_page(page_id=article.pk).nodes
    assert node.removed and [child.comment.pk for child in node.replies] == [reply.pk]


def test_a_comment_sent_back_to_the_queue_keeps_its_replies_readable(article):
    settings = open_settings()
    top = post_comment(article, settings=settings)
    reply = post_comment(article, parent=top, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.PENDING)
    (node,) = selectors.thread_page(page_id=article.pk).nodes
    assert node.removed and node.replies[0].comment.pk == reply.pk
    discussion = Discussion.objects.get(page=article)
    assert (discussion.approved_count, discussion.pending_count) == (1, 1)


def test_a_conversation_under_two_removed_comments_stays_readable(article):
    """A → B → C, C approved: removing B, then A, keeps both as placeholders (found in review)."""
    settings = open_settings()
    a = post_comment(article, settings=settings)
    b = post_comment(article, parent=a, settings=settings)
    c = post_comment(article, parent=b, settings=settings)
    services.comment_set_status(comment=b, status=Comment.Status.TRASH)
    services.comment_set_status(comment=a, status=Comment.Status.TRASH)
    (node,) = selectors.thread_page(page_id=article.pk).nodes
    assert node.removed and node.replies[0].removed
    assert node.replies[0].replies[0].comment.pk == c.pk


def test_the_all_replies_link_counts_approved_replies_only(article, monkeypatch):
    """A placeholder among the shown replies does not hide an approved one (found in review)."""
    monkeypatch.setattr(selectors, "REPLIES_SHOWN", 3)
    settings = open_settings()
    top = post_comment(article, settings=settings)
    removed = post_comment(article, parent=top, settings=settings)
    post_comment(article, parent=removed, settings=settings)
    services.comment_set_status(comment=removed, status=Comment.Status.TRASH)
    post_comment(article, parent=top, settings=settings)
    post_comment(article, parent=top, settings=settings)
    page = selectors.thread_page(page_id=article.pk)
    assert page.hidden_replies == {top.pk: 1}  # three approved replies, two of them shown


def test_a_reply_past_the_depth_names_the_comment_it_answers(article):
    """Placed beside the comment it answers, it still answers that comment (found in review)."""
    settings = open_settings(max_depth=2)
    top = post_comment(article, settings=settings)
    answered = post_comment(article, parent=top, settings=settings)
    reply = post_comment(article, parent=answered, settings=settings)
    assert reply.parent_id == top.pk and reply.in_reply_to_id == answered.pk


def test_an_address_too_long_once_in_lower_case_is_refused_not_stored(article):
    """Callers other than the form (an account's address) meet the same check (found in review)."""
    with pytest.raises(services.CommentRefused) as refused:
        post_comment(article, email=GROWING_EMAIL, settings=open_settings())
    assert refused.value.field == "email" and "254" in refused.value.message
    assert not Comment.objects.filter(page=article).exists()


def test_a_removed_comment_leaves_the_thread_with_the_last_reply_under_it(article, client):
    """A placeholder ("This comment was removed.") stays only while something shown hangs
    under it, at any depth: removing the last reply retires every removed ancestor left
    empty, as an import's recount does (found in review)."""
    settings = open_settings()
    post_comment(article, settings=settings)
    top = post_comment(article, settings=settings)
    middle = post_comment(article, parent=top, settings=settings)
    kept = post_comment(article, parent=top, settings=settings)
    last = post_comment(article, parent=middle, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.TRASH, reason="Insults.")
    services.comment_set_status(comment=middle, status=Comment.Status.SPAM)

    services.comment_set_status(comment=kept, status=Comment.Status.TRASH)
    assert Comment.objects.get(pk=top.pk).in_thread, "the reply under the middle one still shows"

    services.comment_delete_by_author(comment=last, settings=settings)

    assert not Comment.objects.filter(pk__in=[top.pk, middle.pk, kept.pk, last.pk], in_thread=True).exists()
    assert top.pk not in [node.comment.pk for node in selectors.thread_page(page_id=article.pk).nodes]
    assert "This comment was removed." not in client.get(f"/comments/{article.pk}/").content.decode()
    assert client.get(f"/comments/{article.pk}/?replies={top.pk}").status_code == 404


def test_a_removed_comment_stays_as_a_placeholder_while_another_reply_shows(article):
    settings = open_settings()
    top = post_comment(article, settings=settings)
    first = post_comment(article, parent=top, settings=settings)
    post_comment(article, parent=top, settings=settings)
    services.comment_set_status(comment=top, status=Comment.Status.TRASH)
    services.comment_set_status(comment=first, status=Comment.Status.TRASH)
    assert Comment.objects.get(pk=top.pk).in_thread


def test_with_one_level_a_reply_is_a_comment_of_its_own_that_names_the_comment_it_answers(article):
    """A flat thread (max_depth 1) still knows who answered whom, as deeper threads do
    past their last level (found in review)."""
    settings = open_settings(max_depth=1)
    top = post_comment(article, settings=settings)
    reply = post_comment(article, parent=top, settings=settings)
    answer = post_comment(article, parent=reply, settings=settings)
    assert (reply.parent_id, reply.root_id, reply.depth, reply.in_reply_to_id) == (None, None, 0, top.pk)
    assert (answer.parent_id, answer.depth, answer.in_reply_to_id) == (None, 0, reply.pk)
    assert post_comment(article, settings=settings).in_reply_to_id is None
