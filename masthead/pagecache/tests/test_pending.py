"""A failed purge is never a failed edit: with the page store down when a publish
commits, the editor's publish answers as usual, the other on-commit work runs, editors see
the purge waiting in the admin, and the worker's retry lands once the store is back, after
which readers get the new page.

These tests commit for real (transactional), so the purge runs inside the admin's
request as it does in production, and a purge that raised would turn its answer into a 500.
"""

from __future__ import annotations

import importlib
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.utils import timezone
from wagtail.signals import page_published

from masthead.core import periodic
from masthead.core.tests.processes import RedisServer
from masthead.news.models import ArticlePage
from masthead.news.tests.factories import build_site, make_article, make_author
from masthead.news.tests.test_admin import article_form, edit_article_url
from masthead.pagecache.models import PendingPurge
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import wsgi_request
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = pytest.mark.django_db(transaction=True)

OLD, NEW = "Harbour talks stall", "Harbour talks resume"


@pytest.fixture
def later_on_commit_work():
    """Another piece of on-commit work of the same publish, queued after the purge (as a
    search index update or a notification would be): it must still run."""
    ran = []

    def queue_it(sender, instance, **kwargs):
        transaction.on_commit(lambda: ran.append(instance.pk))

    page_published.connect(queue_it, sender=ArticlePage, weak=False, dispatch_uid="test-later-on-commit-work")
    yield ran
    page_published.disconnect(sender=ArticlePage, dispatch_uid="test-later-on-commit-work")


def editors_group():
    """The Editors group with the page rights Masthead's migration gives it: a transactional
    test's flush removed it (and the root page those rights were on)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    page_rights = importlib.import_module("masthead.news.migrations.0002_editorial_groups_and_workflow")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in page_rights.EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


def an_editor():
    editor = get_user_model().objects.create_user("editor", password="pw-for-tests-only")
    editor.groups.add(editors_group())
    return editor


def newsroom():
    tree = build_site()
    article = make_article(tree.sections["news"], title=OLD, authors=[make_author("Ada Reporter")], hours_ago=1)
    return PageCacheApplication(WSGIHandler(), store=page_store()), article


def reader_sees(site, article) -> tuple[str, str]:
    """(what the cache said, which headline a reader gets)."""
    response = wsgi_request(site, article.url)
    headline = NEW if NEW.encode() in response.body else OLD if OLD.encode() in response.body else "neither"
    return response.header("x-cache"), headline


def publish_through_the_admin(client, article):
    client.force_login(an_editor())
    return client.post(edit_article_url(article), article_form(NEW, article=article, action="publish"))


def one_worker_round() -> None:
    """The worker's periodic jobs, once each, with what is waiting made due (instead of
    waiting out the delay)."""
    PendingPurge.objects.update(next_attempt_at=timezone.now())
    stop = threading.Event()
    periodic.run_forever(stop, after_first_round=stop.set)


def shown_to_editors(client, article) -> tuple[str, str]:
    dashboard = client.get("/admin/").content.decode()
    edit_view = client.get(edit_article_url(article)).content.decode()
    return dashboard, edit_view


def test_a_publish_while_redis_is_down_succeeds_and_the_retry_lands_when_it_is_back(
    client, settings, tmp_path, later_on_commit_work
):
    redis = RedisServer(tmp_path / "redis").start()
    try:
        settings.MASTHEAD_PAGE_CACHE_REDIS_URL = redis.url
        page_store.cache_clear()
        site, article = newsroom()
        reader_sees(site, article)
        assert reader_sees(site, article) == ("hit", OLD)
        redis.stop()  # its data saved on disk: the stale page comes back with it

        response = publish_through_the_admin(client, article)

        assert response.status_code == 302, response.content.decode()[:2000]
        assert set(later_on_commit_work) == {article.pk}
        assert ArticlePage.objects.get(pk=article.pk).title == NEW
        waiting = PendingPurge.objects.get(kind="key", target=f"page-{article.pk}")
        assert "Connection" in waiting.last_error and waiting.attempts == 1
        dashboard, edit_view = shown_to_editors(client, article)
        assert "Cache purges waiting for a retry" in dashboard and f"page-{article.pk}" in dashboard
        assert "masthead-waiting-purges" in edit_view and f"page-{article.pk}" in edit_view
        client.logout()
        assert "masthead-waiting-purges" not in client.get("/admin/login/").content.decode()  # editors only
        client.force_login(get_user_model().objects.get(username="editor"))

        one_worker_round()  # Redis still down: it stays waiting, one attempt more
        assert PendingPurge.objects.get(pk=waiting.pk).attempts == 2

        redis.start()
        assert reader_sees(site, article) == ("hit", OLD)  # until the retry lands
        one_worker_round()

        assert not PendingPurge.objects.exists()
        assert reader_sees(site, article) == ("miss", NEW)
        dashboard, edit_view = shown_to_editors(client, article)
        assert "Cache purges waiting" not in dashboard and "masthead-waiting-purges" not in edit_view
    finally:
        redis.stop(keep_data=False)


def test_a_publish_while_the_publishing_folder_is_unwritable_succeeds_and_the_retry_lands(
    client, settings, tmp_path, later_on_commit_work
):
    """The folder nginx serves is made unwritable by putting a file where it was (the
    folder kept aside): that fails for root too, which ignores permission bits, as a
    read-only bind mount would but without needing the privilege to mount one."""
    published, aside = tmp_path / "public", tmp_path / "public-aside"
    settings.MASTHEAD_STATIC_PUBLISH_DIR = published
    page_store.cache_clear()
    site, article = newsroom()
    reader_sees(site, article)
    assert reader_sees(site, article) == ("hit", OLD)
    published.rename(aside)
    published.write_text("not a folder")

    response = publish_through_the_admin(client, article)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(later_on_commit_work) == {article.pk}
    waiting = PendingPurge.objects.get(kind="key", target=f"page-{article.pk}")
    assert "FileExistsError" in waiting.last_error or "NotADirectoryError" in waiting.last_error
    dashboard, _ = shown_to_editors(client, article)
    assert f"page-{article.pk}" in dashboard and waiting.last_error[:40] in dashboard

    one_worker_round()
    assert PendingPurge.objects.get(pk=waiting.pk).attempts == 2

    published.unlink()
    aside.rename(published)  # the folder is back, with the old page in it
    assert reader_sees(site, article) == ("hit", OLD)
    one_worker_round()

    assert not PendingPurge.objects.exists()
    assert reader_sees(site, article) == ("miss", NEW)
    assert NEW in (published / article.url.strip("/") / "index.html").read_text()


def test_the_same_key_failing_twice_is_one_row_and_a_purge_of_everything_covers_the_rest(settings, tmp_path):
    from masthead.pagecache.pending import keep_for_retry, retry_pending_purges

    keep_for_retry(keys=["page-1", "list-latest"], error="ConnectionError('first')")
    keep_for_retry(keys=["page-1"], paths=["/tag/zürich/"], error="ConnectionError('second')")
    keep_for_retry(everything=True, error="ConnectionError('third')")
    rows = {(row.kind, row.target): row for row in PendingPurge.objects.all()}

    assert set(rows) == {("key", "page-1"), ("key", "list-latest"), ("path", "/tag/zürich/"), ("everything", "")}
    assert (rows["key", "page-1"].attempts, rows["key", "page-1"].last_error) == (2, "ConnectionError('second')")
    assert rows["key", "page-1"].first_failed_at < rows["key", "page-1"].last_failed_at
    assert rows["key", "page-1"].next_attempt_at > rows["key", "list-latest"].next_attempt_at  # backs off

    PendingPurge.objects.update(next_attempt_at=timezone.now())
    assert retry_pending_purges() == 4
    assert not PendingPurge.objects.exists()


def test_a_purge_pages_that_succeeds_covers_what_was_waiting(tmp_path):
    """`masthead serve` runs purge_pages at start: what waited is done by it, so the
    worker does not purge again after serve said it is ready."""
    import io

    from django.core.management import call_command

    from masthead.pagecache.pending import keep_for_retry

    keep_for_retry(keys=["page-1"], error="ConnectionError()")

    call_command("purge_pages", stdout=io.StringIO())

    assert not PendingPurge.objects.exists()


def test_purge_pages_fails_loudly_when_the_store_is_down_and_keeps_the_purge(settings, tmp_path):
    from django.core.management import CommandError, call_command

    settings.MASTHEAD_STATIC_PUBLISH_DIR = tmp_path / "public"
    (tmp_path / "public").write_text("not a folder")
    page_store.cache_clear()

    with pytest.raises(CommandError, match="the worker will retry it"):
        call_command("purge_pages")

    assert PendingPurge.objects.filter(kind="everything").exists()
