"""The import from the admin: a superuser uploads an export, the import runs as a task,
its page shows the progress and then the same report the command prints; the upload is
deleted once read. The command shows a progress bar on a terminal."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import OutputWrapper
from django.urls import reverse
from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.news.tests.factories import build_site
from masthead.wordpress_import import services
from masthead.wordpress_import.management.commands.import_wordpress import progress_bar
from masthead.wordpress_import.models import ImportRun
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE, FOOTER, HEADER, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")
    client.force_login(user)
    return user


def upload(name: str = "site.xml", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, FIXTURE.read_bytes() if data is None else data, content_type="text/xml")


def test_a_dry_run_from_the_admin_reports_and_changes_nothing(client, superuser, django_capture_on_commit_callbacks):
    build_site()
    assert client.get(reverse("wordpress_import")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wordpress_import"), {"export": upload(), "dry_run": "on"})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("wordpress_import_run", args=[run.pk])
    assert run.state == ImportRun.State.DONE and run.size == FIXTURE.stat().st_size
    page = client.get(response["Location"]).text
    assert "What would come across" in page and "Dry run: nothing was changed." in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops following it
    assert ArticlePage.objects.count() == 0
    assert not Path(run.stored_path).exists()  # the upload is deleted once read


def test_an_import_from_the_admin_brings_the_site_across_and_reports(
    client, superuser, django_capture_on_commit_callbacks
):
    build_site()
    export = (HEADER + "".join(post(n) for n in range(10, 13)) + FOOTER).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wordpress_import"), {"export": upload("site.xml", export)})

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE and not run.error
    assert ArticlePage.objects.count() == 3
    page = client.get(response["Location"]).text
    assert "What came across" in page and "articles: 3 created, 0 updated" in page
    listing = client.get(reverse("wordpress_import")).text
    assert "site.xml" in listing and "Done" in listing and "Overwrite edits" in listing

    edited = ArticlePage.objects.get(title="Story 10")
    edited.title = "Fixed here"
    edited.save_revision().publish()
    for overwrite, title in ((False, "Fixed here"), (True, "Story 10")):
        form = {"export": upload("again.xml", export), **({"overwrite_edits": "on"} if overwrite else {})}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("wordpress_import"), form)
        assert ImportRun.objects.latest("pk").overwrite_edits is overwrite
        assert ArticlePage.objects.get(pk=edited.pk).title == title
    assert "edited here since the last import" not in client.get(response["Location"]).text


def test_a_file_that_is_not_an_export_is_refused_at_the_form_or_by_the_import(
    client, superuser, django_capture_on_commit_callbacks
):
    build_site()
    response = client.post(reverse("wordpress_import"), {"export": upload("notes.xml", b"Dear editor, ...")})
    assert response.status_code == 200 and "This is not a WordPress export" in response.text
    assert not ImportRun.objects.exists()

    broken = (HEADER + post(10) + "<item><title>cut short").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wordpress_import"), {"export": upload("broken.xml", broken)})
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED and "not well-formed XML" in run.error
    assert "not well-formed XML" in client.get(response["Location"]).text
    assert not Path(run.stored_path).exists()

    response = client.post(
        reverse("wordpress_import"), {"export": upload(), "media_base_url": "ftp://old.example/uploads"}
    )
    assert response.status_code == 200 and ImportRun.objects.count() == 1


def test_only_superusers_import(client):
    build_site()
    editor = get_user_model().objects.create_user("editor", "editor@example.org", "pw-for-tests-only")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    assert client.get(reverse("wordpress_import")).status_code in (302, 403)
    assert client.post(reverse("wordpress_import"), {"export": upload()}).status_code in (302, 403)
    assert not ImportRun.objects.exists()


def test_the_import_tells_how_far_it_has_read(monkeypatch):
    build_site()
    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 0)
    heard = []
    export = HEADER + "".join(post(n) for n in range(10, 20)) + FOOTER
    services.import_export(io.BytesIO(export.encode()), progress=lambda *told: heard.append(told))

    phases = [phase for phase, _, _ in heard]
    assert phases[0] == "Reading attachments" and "Importing" in phases and phases[-1] == "Done"
    importing = [done for phase, done, _ in heard if phase == "Importing"]
    assert importing == sorted(importing) and importing[-1] > 0
    assert heard[-1][1:] == (len(export.encode()), len(export.encode()))


def test_the_command_draws_a_progress_bar():
    out = io.StringIO()
    show = progress_bar(OutputWrapper(out), width=10)
    show("Importing", 5_000_000, 20_000_000)
    show("Done", 20_000_000, 20_000_000)
    assert out.getvalue() == (
        "\rImporting            [##........]  25%  5.0 of 20.0 MB"
        "\rDone                 [##########] 100%  20.0 of 20.0 MB\n"
    )


def test_a_run_whose_worker_stopped_can_be_started_again(
    client, superuser, settings, django_capture_on_commit_callbacks
):
    build_site()
    stored = Path(settings.MASTHEAD_IMPORT_DIR) / "export-stalled.xml"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes((HEADER + post(10) + FOOTER).encode())
    run = ImportRun.objects.create(file_name="site.xml", stored_path=str(stored), size=stored.stat().st_size)
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING, bytes_read=100, updated_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = client.get(reverse("wordpress_import_run", args=[run.pk])).text
    assert "Start it again" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wordpress_import_run", args=[run.pk]))

    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and "articles: 1 created" in run.report
    assert timezone.now() - run.updated_at < datetime.timedelta(minutes=1)  # the task's writes say it is alive
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING, updated_at=timezone.now()
    )  # live: left alone
    client.post(reverse("wordpress_import_run", args=[run.pk]))
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.RUNNING
