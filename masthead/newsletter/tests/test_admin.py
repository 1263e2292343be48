"""The newsletter in the Wagtail admin: Editors manage the settings, the lists and the
subscribers (search, filters, counts per status, CSV export and import with a progress
page); Moderators and Authors see no addresses."""

from __future__ import annotations

import csv
import io

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from masthead.newsletter.models import (
    NewsletterList,
    NewsletterSettings,
    Subscriber,
    SubscriberImport,
    SubscriberStatus,
)
from masthead.newsletter.tests.factories import make_lists, make_subscriber

pytestmark = pytest.mark.django_db
SUBSCRIBERS = "/admin/snippets/newsletter/subscriber/"
LISTS = "/admin/snippets/newsletter/newsletterlist/"


def member_of(group_name: str):
    user = get_user_model().objects.create_user(f"{group_name.lower()}-newsletter", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def lists(site_tree):
    return make_lists(site_tree.site)


@pytest.fixture
def subscribers(site_tree, lists):
    make_subscriber(site_tree.site, "ada@example.org", lists=[lists["morning"]])
    make_subscriber(site_tree.site, "ben@example.org", lists=[lists["week"]], source=Subscriber.Source.IMPORT)
    make_subscriber(site_tree.site, "cai@example.org", status=SubscriberStatus.PENDING, lists=[lists["morning"]])
    make_subscriber(site_tree.site, "<script>x</script>@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber(site_tree.site, "dee@example.org", status=SubscriberStatus.BOUNCED)


@pytest.fixture
def editor(client):
    client.force_login(member_of("Editors"))
    return client


def emails_listed(response) -> set[str]:
    """The addresses in the listing: each row's title links to its edit view."""
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return {
        "".join(link.itertext()).strip()
        for link in page.iterfind(".//td[@class='title']//a")
        if "/subscriber/edit/" in link.get("href", "") and "@" in "".join(link.itertext())
    }


def test_editors_see_subscribers_with_counts_per_status(editor, subscribers):
    response = editor.get(SUBSCRIBERS)

    assert response.status_code == 200
    text = response.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;@example.org" in text and "<script>x</script>" not in text
    counts = text[text.find("Subscribers per status") :]
    for expected in (
        "<strong>2</strong> confirmed",
        "<strong>1</strong> pending confirmation",
        "<strong>1</strong> bounced",
    ):
        assert expected in counts
    assert "Confirmed (2)" in text  # in the status filter too
    assert "/admin/newsletter/subscribers/export/" in text and "/admin/newsletter/subscribers/import/" in text


def test_the_lists_screen_counts_each_list_s_confirmed_subscribers(editor, subscribers):
    page = html5lib.parse(editor.get(LISTS).content.decode(), namespaceHTMLElements=False)
    rows = {
        "".join(row.find(".//td[@class='title']//a").itertext()).strip(): [
            "".join(cell.itertext()).strip() for cell in row.iterfind("td")
        ][-1]
        for row in page.iterfind(".//table/tbody/tr")
        if row.find(".//td[@class='title']//a") is not None
    }
    assert rows == {"The Morning Briefing": "1", "The Week in Review": "1", "Breaking news": "0"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=confirmed", {"ada@example.org", "ben@example.org"}),
        ("status=bounced", {"dee@example.org"}),
        ("source=import", {"ben@example.org"}),
        ("q=ada", {"ada@example.org"}),
        ("q=%25", set()),  # % is a character to search for, not a wildcard
    ],
)
def test_filters_and_search(editor, subscribers, query, expected):
    response = editor.get(f"{SUBSCRIBERS}?{query}")
    assert response.status_code == 200
    assert emails_listed(response) == expected


def test_the_list_filter(editor, subscribers, lists):
    response = editor.get(f"{SUBSCRIBERS}?newsletter_list={lists['morning'].pk}")
    assert emails_listed(response) == {"ada@example.org", "cai@example.org"}


def test_the_csv_export_is_streamed_and_follows_the_filters(editor, subscribers):
    response = editor.get("/admin/newsletter/subscribers/export/?status=confirmed")

    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["email"] for row in rows} == {"ada@example.org", "ben@example.org"}
    assert {row["lists"] for row in rows} == {"morning", "week"}


def test_the_import_screen_takes_a_csv_and_shows_its_progress(
    editor, site_tree, lists, django_capture_on_commit_callbacks
):
    file = SimpleUploadedFile("readers.csv", b"email,lists\nnew@example.org,morning\nbad,morning\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post("/admin/newsletter/subscribers/import/", {"file": file, "consented": "on"})

    job = SubscriberImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/newsletter/subscribers/import/{job.pk}/"
    progress = editor.get(response["Location"])
    assert progress.status_code == 200
    text = progress.content.decode()
    assert "2 of 2 rows (100%)" in text and "Line 3: Enter a valid email address" in text
    assert 'http-equiv="refresh"' not in text  # done: no more refreshing
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_a_running_import_refreshes_its_progress_page_and_can_be_continued(
    editor, site_tree, lists, django_capture_on_commit_callbacks
):
    file = SimpleUploadedFile("readers.csv", b"email,lists\nnew@example.org,morning\n")
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        editor.post("/admin/newsletter/subscribers/import/", {"file": file})
    job = SubscriberImport.objects.get()

    page = editor.get(f"/admin/newsletter/subscribers/import/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "0 of 1 rows (0%)" in page

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/newsletter/subscribers/import/{job.pk}/")
    job.refresh_from_db()
    assert job.state == "done" and Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_a_file_that_is_not_a_subscriber_list_is_refused_on_the_form(editor, lists):
    file = SimpleUploadedFile("notes.csv", b"name,age\nAda,36\n")
    response = editor.post("/admin/newsletter/subscribers/import/", {"file": file})

    assert response.status_code == 400
    assert "one called “email”" in response.content.decode()
    assert not SubscriberImport.objects.exists()


def test_a_file_whose_first_line_the_csv_reader_cannot_take_is_refused_on_the_form(editor, lists):
    """A header cell past the CSV reader's field size limit is a refusal, not a 500."""
    file = SimpleUploadedFile("huge.csv", b"email," + b"x" * 200_000 + b"\nada@example.org,morning\n")
    response = editor.post("/admin/newsletter/subscribers/import/", {"file": file})

    assert response.status_code == 400
    assert "The first line cannot be read" in response.content.decode()
    assert not SubscriberImport.objects.exists()


def test_editors_create_and_edit_lists_with_their_schedule(editor, site_tree):
    response = editor.post(
        f"{LISTS}add/",
        {
            "site": site_tree.site.pk,
            "name": "Evening edition",
            "slug": "evening",
            "description": "",
            "kind": "digest",
            "public": "on",
            "frequency": "daily",
            "send_time": "18:30",
            "weekday": "0",
            "position": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = NewsletterList.objects.get(slug="evening")
    assert (created.frequency, str(created.send_time)) == ("daily", "18:30:00")
    assert editor.get(LISTS).status_code == 200


def test_editors_add_a_subscriber_by_hand(editor, site_tree, lists):
    response = editor.post(
        f"{SUBSCRIBERS}add/",
        {
            "site": site_tree.site.pk,
            "email": "Hand@Example.ORG",
            "status": "confirmed",
            "newsletter_lists": [lists["week"].pk],
            "paused_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.source, subscriber.status) == ("Hand@example.org", "admin", "confirmed")
    assert subscriber.confirmed_at is not None
    assert list(subscriber.lists.values_list("slug", flat=True)) == ["week"]

    again = editor.post(
        f"{SUBSCRIBERS}add/", {"site": site_tree.site.pk, "email": "hand@example.org", "status": "pending"}
    )
    assert again.status_code == 200 and "subscribed already" in again.content.decode()


def test_editors_change_the_newsletter_settings(editor, site_tree):
    response = editor.get(f"/admin/settings/newsletter/newslettersettings/{site_tree.site.pk}/")
    assert response.status_code == 200
    assert NewsletterSettings.objects.exists()


@pytest.mark.parametrize("group", ["Moderators", "Authors"])
def test_other_groups_see_no_addresses(client, subscribers, group):
    client.force_login(member_of(group))
    for url in (SUBSCRIBERS, "/admin/newsletter/subscribers/export/", "/admin/newsletter/subscribers/import/"):
        assert client.get(url).status_code in (302, 403), url
