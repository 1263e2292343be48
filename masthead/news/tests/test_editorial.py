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


def test_authors_edit_their_own_articles_and_editors_publish_any(site_tree):
    author, editor = user_in("Authors"), user_in("Editors")
    someone_elses = make_article(site_tree.sections["news"])
    own = make_article(site_tree.sections["news"], owner=author)

    assert site_tree.sections["news"].permissions_for_user(author).can_add_subpage()
    assert own.permissions_for_user(author).can_edit()
    assert not own.permissions_for_user(author).can_publish()
    assert not someone_elses.permissions_for_user(author).can_edit()
    assert someone_elses.permissions_for_user(editor).can_edit()
    assert someone_elses.permissions_for_user(editor).can_publish()


def test_new_articles_go_through_the_editors_review_workflow(site_tree):
    article = make_article(site_tree.sections["news"])
    workflow = article.get_workflow()
    assert workflow == Workflow.objects.get(name="Editorial review")
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Editors"]


def test_author_submits_and_editor_approves(site_tree):
    author, editor = user_in("Authors"), user_in("Editors")
    article = make_article(site_tree.sections["news"], publish=False, title="Needs review", published_at=None)
    workflow = article.get_workflow()

    state = workflow.start(article, author)
    assert not ArticlePage.objects.get(pk=article.pk).live
    state.current_task_state.task.specific.on_action(state.current_task_state, editor, "approve")

    published = ArticlePage.objects.get(pk=article.pk)
    assert published.live
    # Readers see when it went live, not when the draft was begun.
    assert published.published_at == published.first_published_at


def test_publication_time_is_kept_across_later_edits_unless_an_editor_sets_it(site_tree):
    article = make_article(site_tree.sections["news"], publish=False, published_at=None)
    article.save_revision().publish()
    first = ArticlePage.objects.get(pk=article.pk).published_at
    assert first is not None

    edited = ArticlePage.objects.get(pk=article.pk)
    edited.title = "A later correction"
    edited.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).published_at == first

    moved = timezone.now() - timedelta(days=3)
    edited.published_at = moved
    edited.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).published_at == moved


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


def test_installed_site_takes_its_address_from_site_url(db, settings):
    from wagtail.models import Page, Site

    from masthead.core.signal_handlers import point_default_site_at_site_url

    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=Page.get_first_root_node(), is_default_site=True)
    settings.SITE_URL = "https://news.example.org"
    point_default_site_at_site_url(sender=None)
    assert Site.objects.filter(hostname="news.example.org", port=443).count() == 1

    Site.objects.update(hostname="edited.example.org", port=8443)
    settings.SITE_URL = "https://other.example.org"
    point_default_site_at_site_url(sender=None)
    assert Site.objects.get().hostname == "edited.example.org"  # an editor's choice stays


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example/x", "data:text/html,hi"])
def test_menu_links_must_be_paths_or_web_addresses(link):
    from django.core.exceptions import ValidationError

    from masthead.core.models import validate_menu_link

    with pytest.raises(ValidationError):
        validate_menu_link(link)
    validate_menu_link("/latest/")
    validate_menu_link("https://shop.example/")
