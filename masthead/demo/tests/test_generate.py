"""`masthead generate` writes a valid page tree in bulk that the site serves like any other."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from masthead.news.models import ArticlePage, SectionPage
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_generated_articles_are_a_valid_tree_and_are_served(client, site_tree):
    make_article(site_tree.sections["news"], title="Written by hand")

    call_command("generate", articles=120, authors=7, sections=4, tags=15, years=2, stdout=io.StringIO())

    assert ArticlePage.objects.live().count() == 121
    assert SectionPage.objects.count() == 4
    problems = Page.find_problems()
    assert not any(problems), problems
    generated = ArticlePage.objects.exclude(title="Written by hand").order_by("?").first()
    response = client.get(generated.url)
    assert response.status_code == 200
    assert generated.title.encode() in response.content
    section_page = client.get(generated.get_parent().url)
    assert section_page.status_code == 200
    assert client.get("/latest/").status_code == 200
    # Adding to the tree by hand still works after the bulk load.
    make_article(generated.get_parent().specific, title="After the bulk load")


def test_generate_refuses_nonsense_sizes(site_tree):
    with pytest.raises(SystemExit):
        call_command("generate", articles=0, stdout=io.StringIO(), stderr=io.StringIO())


def test_generate_leaves_the_planner_statistics_current(site_tree):
    """Bulk inserts without ANALYZE leave PostgreSQL planning an article's tags as a hash
    of every tag (found measuring cold renders at 100,000 articles)."""
    from django.db import connection

    call_command("generate", articles=60, authors=3, sections=2, tags=9, years=1, stdout=io.StringIO())

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'news_articletag'")
            assert cursor.fetchone()[0] >= 60
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'news_articletag'")
            assert cursor.fetchone()[0] > 0


def test_generated_comments_keep_every_invariant_of_a_thread(client, site_tree):
    """Comments written in bulk are threads as the services would have made them: paths,
    roots and depths, counts on the discussion and on each top-level comment, likes, and
    no reply under a comment that is not published."""
    from collections import Counter

    from masthead.comments import services
    from masthead.comments.models import PATH_DIGITS, Comment, CommentLike, CommentSettings, Discussion
    from masthead.comments.tests.factories import open_settings, post_comment

    call_command("generate", articles=80, authors=3, sections=2, tags=9, years=1, stdout=io.StringIO())

    comments = {comment.pk: comment for comment in Comment.objects.all()}
    assert len(comments) == 800
    max_depth = CommentSettings.for_site(site_tree.site).max_depth
    for comment in comments.values():
        step = f"{comment.pk:0{PATH_DIGITS}d}."
        assert comment.in_thread == (comment.status == Comment.Status.APPROVED)
        if comment.parent_id is None:
            assert (comment.depth, comment.root_id, comment.path) == (0, None, step)
            continue
        parent = comments[comment.parent_id]
        assert parent.status == Comment.Status.APPROVED
        assert parent.page_id == comment.page_id
        assert comment.depth == parent.depth + 1 < max_depth
        assert comment.root_id == (parent.root_id or parent.pk)
        assert comment.path == parent.path + step
        assert comment.created_at >= parent.created_at
    approved_replies = Counter(
        c.root_id for c in comments.values() if c.root_id and c.status == Comment.Status.APPROVED
    )
    for comment in comments.values():
        assert comment.reply_count == (approved_replies[comment.pk] if comment.depth == 0 else 0)
    likes = Counter(CommentLike.objects.values_list("comment_id", flat=True))
    assert all(comment.like_count == likes[comment.pk] for comment in comments.values())
    assert sum(likes.values()) > 0
    per_page = Counter(c.page_id for c in comments.values())
    for discussion in Discussion.objects.all():
        on_page = [c for c in comments.values() if c.page_id == discussion.page_id]
        assert discussion.approved_count == sum(c.status == Comment.Status.APPROVED for c in on_page)
        assert discussion.pending_count == sum(c.status == Comment.Status.PENDING for c in on_page)
    assert Discussion.objects.count() == len(per_page)
    statuses = Counter(c.status for c in comments.values())
    assert statuses[Comment.Status.PENDING] and statuses[Comment.Status.SPAM]
    assert statuses[Comment.Status.APPROVED] > 0.9 * len(comments)
    assert max(c.depth for c in comments.values()) == max_depth - 1
    # The shape: a few busy threads, a long tail, and many articles nobody commented on.
    assert per_page.most_common(1)[0][1] == 800 // 4
    assert ArticlePage.objects.count() - len(per_page) >= 80 * 0.4
    assert len({c.author_name for c in comments.values()}) > 100

    busy = per_page.most_common(1)[0][0]
    assert client.get(f"/comments/{busy}/").status_code == 200
    # A comment posted afterwards takes the next id, and its thread's counts move on.
    before = Discussion.objects.get(page_id=busy).approved_count
    root = Comment.objects.filter(page_id=busy, depth=0, status=Comment.Status.APPROVED).first()
    reply = post_comment(ArticlePage.objects.get(pk=busy), parent=root, settings=open_settings())
    assert reply.pk > max(comments)
    assert reply.path == root.path + f"{reply.pk:0{PATH_DIGITS}d}."
    assert Discussion.objects.get(page_id=busy).approved_count == before + 1
    assert services.comment_like(comment=reply, reader_key="reader-after-generate") == (True, 1)


def test_generate_takes_the_number_of_comments_asked_for(site_tree):
    from masthead.comments.models import Comment

    call_command("generate", articles=30, authors=2, sections=1, tags=3, years=1, comments=45, stdout=io.StringIO())
    assert Comment.objects.count() == 45

    call_command("generate", articles=10, authors=2, sections=1, tags=3, years=1, comments=0, stdout=io.StringIO())
    assert Comment.objects.count() == 45


def test_generate_adds_donations_for_the_admin_to_be_measured_at_size(site_tree, admin_client):
    from masthead.donations.models import Donation

    call_command("generate", articles=120, authors=7, sections=4, tags=15, years=2, comments=0, stdout=io.StringIO())

    assert Donation.objects.count() == 60
    assert Donation.objects.filter(state="completed", capture_id__isnull=True).count() == 0
    assert admin_client.get("/admin/donations/").status_code == 200
