"""Authors write and submit, Editors publish; scheduling and preview work as editors expect."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Workflow

from masthead.core import periodic
from masthead.news.models import ArticlePage
from masthead.news.tests.factories import make_article

pytestmark = pytest.mark.django_db


def user_in(group_name: str):
    user = get_user_model().objects.create_user(f"{group_name.lower()}-user", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_authors_can_edit_but_not_publish_and_editors_can_publish(site_tree):
    article = make_article(site_tree.sections["news"])
    author, editor = user_in("Authors"), user_in("Editors")

    author_rights = article.permissions_for_user(author)
    editor_rights = article.permissions_for_user(editor)

    assert author_rights.can_edit() and not author_rights.can_publish()
    assert editor_rights.can_edit() and editor_rights.can_publish()


def test_new_articles_go_through_the_editors_review_workflow(site_tree):
    article = make_article(site_tree.sections["news"])
    workflow = article.get_workflow()
    assert workflow == Workflow.objects.get(name="Editorial review")
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Editors"]


def test_author_submits_and_editor_approves(site_tree):
    author, editor = user_in("Authors"), user_in("Editors")
    article = make_article(site_tree.sections["news"], publish=False, title="Needs review")
    workflow = article.get_workflow()

    state = workflow.start(article, author)
    assert not ArticlePage.objects.get(pk=article.pk).live
    state.current_task_state.task.specific.on_action(state.current_task_state, editor, "approve")

    assert ArticlePage.objects.get(pk=article.pk).live


def test_scheduled_article_goes_live_when_its_time_comes(site_tree):
    article = make_article(site_tree.sections["news"], publish=False, title="Embargoed")
    article.go_live_at = timezone.now() - timedelta(minutes=1)
    article.save_revision(approved_go_live_at=article.go_live_at)

    periodic.publish_scheduled()

    assert ArticlePage.objects.get(pk=article.pk).live


def test_periodic_jobs_survive_a_failing_job():
    import threading

    ran = []
    stop = threading.Event()

    def failing():
        raise RuntimeError("boom")

    def working():
        ran.append(True)
        stop.set()

    jobs = [periodic.PeriodicJob("fails", 60, failing), periodic.PeriodicJob("works", 60, working)]
    periodic.run_forever(stop, jobs)
    assert ran == [True]


def test_admin_is_reachable_with_its_own_csp(client, site_tree):
    get_user_model().objects.create_superuser("boss", password="pw-for-tests-only")
    client.login(username="boss", password="pw-for-tests-only")
    article = make_article(site_tree.sections["news"])

    response = client.get(f"/admin/pages/{article.pk}/edit/")

    assert response.status_code == 200
    assert "unsafe-inline" in response["Content-Security-Policy"]
    assert client.get("/admin/snippets/news/author/").status_code == 200
    assert client.get("/admin/snippets/ads/adcreative/").status_code == 200
    assert client.get(f"/admin/settings/core/sitesettings/{site_tree.site.pk}/").status_code == 200


def test_userbar_shows_in_preview_only(client, site_tree):
    get_user_model().objects.create_superuser("boss", password="pw-for-tests-only")
    article = make_article(site_tree.sections["news"])
    client.login(username="boss", password="pw-for-tests-only")

    public = client.get(article.url)
    preview = client.get(f"/admin/pages/{article.pk}/view_draft/")

    assert b"wagtail-userbar" not in public.content
    assert preview.status_code == 200
    assert b"wagtail-userbar" in preview.content
