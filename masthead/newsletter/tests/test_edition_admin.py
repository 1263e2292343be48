"""The admin's edition screens, as a signed-in editor (Editors group) uses them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail as django_mail
from django.utils import timezone

from masthead.news.tests.factories import make_article
from masthead.newsletter.models import Edition, EditionState, NewsletterList
from masthead.newsletter.tests.delivery_helpers import edition_with_article, newsletter_list, subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _journal_in_tmp(settings, tmp_path):
    settings.NEWSLETTER_JOURNAL_DIR = tmp_path / "journal"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def daily(site_tree):
    return newsletter_list(site_tree.site)


def screen(edition) -> str:
    return f"/admin/newsletter/editions/{edition.pk}/"


def test_an_editor_composes_an_edition_with_articles_in_order(editor, site_tree, daily):
    first = make_article(site_tree.sections["news"], title="First story")
    second = make_article(site_tree.sections["news"], title="Second story")
    form = {
        "newsletter_list": daily.pk,
        "subject": "Friday's briefing",
        "intro": "Two stories today.",
        "edition_articles-TOTAL_FORMS": "2",
        "edition_articles-INITIAL_FORMS": "0",
        "edition_articles-MIN_NUM_FORMS": "0",
        "edition_articles-MAX_NUM_FORMS": "1000",
        "edition_articles-0-page": second.pk,
        "edition_articles-0-ORDER": "1",
        "edition_articles-1-page": first.pk,
        "edition_articles-1-ORDER": "2",
    }
    answer = editor.post("/admin/snippets/newsletter/edition/add/", form)
    edition = Edition.objects.get()
    assert answer.status_code == 302 and answer["Location"] == screen(edition)
    assert [row.page.title for row in edition.edition_articles.order_by("position")] == ["Second story", "First story"]
    assert edition.state == EditionState.DRAFT


def test_the_screen_previews_the_mail_and_polls_its_counts(editor, site_tree, daily):
    edition = edition_with_article(site_tree, daily)
    page = editor.get(screen(edition))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/admin/newsletter/editions/{edition.pk}/preview/" in html and "<iframe" in html
    assert "newsletter/admin-progress" in html and "<script>" not in html
    preview = editor.get(f"/admin/newsletter/editions/{edition.pk}/preview/")
    assert b"Harbour bridge reopens after repairs" in preview.content and b'style="' in preview.content
    progress = editor.get(f"/admin/newsletter/editions/{edition.pk}/progress/")
    assert progress.json() == {
        "state": "draft",
        "counts": {"queued": 0, "sending": 0, "sent": 0, "failed": 0, "bounced": 0, "skipped": 0},
    }
    assert "no-cache" in progress["Cache-Control"] or "no-store" in progress["Cache-Control"]


def test_a_test_goes_to_one_address_only(editor, site_tree, daily):
    subscribers(daily, 3)
    edition = edition_with_article(site_tree, daily)
    editor.post(screen(edition), {"action": "test", "address": "desk@example.org"})
    assert [message.to for message in django_mail.outbox] == [["desk@example.org"]]
    assert django_mail.outbox[0].subject.startswith("[Test]")
    assert Edition.objects.get(pk=edition.pk).state == EditionState.DRAFT
    bad = editor.post(screen(edition), {"action": "test", "address": "not an address" + "x" * 10_000})
    assert bad.status_code == 200 and len(django_mail.outbox) == 1


def test_schedule_then_cancel_before_it_starts(editor, site_tree, daily):
    edition = edition_with_article(site_tree, daily)
    when = timezone.localtime() + datetime.timedelta(days=1)
    editor.post(screen(edition), {"action": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M")})
    edition.refresh_from_db()
    assert edition.state == EditionState.SCHEDULED and edition.scheduled_for > timezone.now()
    editor.post(screen(edition), {"action": "cancel"})
    assert Edition.objects.get(pk=edition.pk).state == EditionState.CANCELLED
    editor.post(screen(edition), {"action": "send"})
    assert Edition.objects.get(pk=edition.pk).state == EditionState.CANCELLED, "a cancelled edition stays unsent"


def test_an_empty_edition_cannot_be_scheduled_either(editor, daily):
    """ "Send now" refused an edition with no intro and no article; scheduling did not, and
    the worker sent it when it was due."""
    edition = Edition.objects.create(newsletter_list=daily, subject="Nothing yet", intro="  ")
    when = timezone.localtime() + datetime.timedelta(days=1)
    answer = editor.post(screen(edition), {"action": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "An edition needs an intro or at least one article." in answer.content.decode()
    assert Edition.objects.get(pk=edition.pk).state == EditionState.DRAFT


def test_send_now_mails_every_subscriber_and_then_cannot_be_cancelled(
    editor, site_tree, daily, django_capture_on_commit_callbacks
):
    subscribers(daily, 4)
    edition = edition_with_article(site_tree, daily)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(screen(edition), {"action": "send"})
    assert len(django_mail.outbox) == 4
    editor.post(screen(edition), {"action": "cancel"})
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
    assert editor.get(f"/admin/newsletter/editions/{edition.pk}/progress/").json()["counts"]["sent"] == 4


def test_an_article_goes_out_as_a_breaking_alert_after_a_confirmation(
    editor, site_tree, django_capture_on_commit_callbacks
):
    breaking = newsletter_list(site_tree.site, slug="breaking", name="Breaking", kind=NewsletterList.Kind.BREAKING)
    subscribers(breaking, 2)
    article = make_article(site_tree.sections["news"], title="Dam gives way upstream")
    edit_page = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert f"/admin/newsletter/breaking/{article.pk}/" in edit_page

    confirm = editor.get(f"/admin/newsletter/breaking/{article.pk}/")
    assert confirm.status_code == 200 and b"2 confirmed subscribers" in confirm.content
    assert not Edition.objects.exists(), "asking is not sending"
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/newsletter/breaking/{article.pk}/")

    edition = Edition.objects.get()
    assert (edition.kind, edition.newsletter_list, edition.subject) == (
        Edition.Kind.BREAKING,
        breaking,
        "Breaking: Dam gives way upstream",
    )
    assert len(django_mail.outbox) == 2


def test_a_breaking_alert_goes_out_once_however_often_it_is_asked_for(
    editor, site_tree, django_capture_on_commit_callbacks
):
    """A double click, a resubmitted form or two editors at once each made a new alert
    and mailed the whole list again."""
    breaking = newsletter_list(site_tree.site, slug="breaking", name="Breaking", kind=NewsletterList.Kind.BREAKING)
    subscribers(breaking, 2)
    article = make_article(site_tree.sections["news"], title="Dam gives way upstream")
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/newsletter/breaking/{article.pk}/")
        again = editor.post(f"/admin/newsletter/breaking/{article.pk}/", follow=True)

    assert Edition.objects.count() == 1
    assert len(django_mail.outbox) == 2
    assert "went out as a breaking alert already" in again.content.decode()


def test_a_list_with_editions_is_not_deleted_and_the_editor_is_told_why(editor, site_tree, daily):
    """The editions' list is protected; the delete ended in a 500."""
    edition_with_article(site_tree, daily)
    answer = editor.post(f"/admin/snippets/newsletter/newsletterlist/delete/{daily.pk}/", follow=True)
    assert answer.status_code == 200
    assert "cannot be deleted" in answer.content.decode()
    assert NewsletterList.objects.filter(pk=daily.pk).exists()
    empty = newsletter_list(site_tree.site, slug="unused", name="Unused")
    editor.post(f"/admin/snippets/newsletter/newsletterlist/delete/{empty.pk}/")
    assert not NewsletterList.objects.filter(pk=empty.pk).exists(), "a list without editions goes"


def test_people_outside_the_newsroom_get_no_edition_screen(client, site_tree, daily):
    edition = edition_with_article(site_tree, daily)
    user = get_user_model().objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)
    assert client.get(screen(edition)).status_code in (302, 403)
    assert client.get(f"/admin/newsletter/editions/{edition.pk}/progress/").status_code in (302, 403)


def test_an_edition_that_went_out_can_no_longer_be_edited_or_deleted(
    editor, site_tree, daily, django_capture_on_commit_callbacks
):
    subscribers(daily, 2)
    edition = edition_with_article(site_tree, daily)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(screen(edition), {"action": "send"})
    subject = Edition.objects.get(pk=edition.pk).subject

    edit = editor.post(f"/admin/snippets/newsletter/edition/edit/{edition.pk}/", {"subject": "Changed afterwards"})
    delete = editor.post(f"/admin/snippets/newsletter/edition/delete/{edition.pk}/")

    assert edit.status_code == 302 and edit["Location"] == screen(edition)
    assert delete.status_code == 302 and delete["Location"] == screen(edition)
    kept = Edition.objects.get(pk=edition.pk)
    assert kept.subject == subject and kept.deliveries.count() == 2
