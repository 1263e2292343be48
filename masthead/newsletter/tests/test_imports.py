"""CSV import (email and lists columns, each row validated, worked through in chunks by a
task, with progress) and the streamed CSV export, which imports back."""

from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masthead.newsletter import imports
from masthead.newsletter.models import Subscriber, SubscriberImport, SubscriberStatus, Subscription
from masthead.newsletter.tests.factories import make_lists, make_subscriber
from masthead.newsletter.tests.mail import messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(site_tree):
    return make_lists(site_tree.site)


def upload(text: str, name="readers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def run_import(site, text: str, *, consented: bool, capture) -> SubscriberImport:
    with capture(execute=True):
        job = imports.import_create(site=site, upload=upload(text), consented=consented)
    job.refresh_from_db()
    return job


def test_consented_rows_are_confirmed_at_once_and_nobody_is_mailed(
    site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    text = "email,lists\nada@example.org,morning;week\nBen@Example.org,Breaking news\n"

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert (job.state, job.total_rows, job.processed_rows, job.added, job.invalid) == ("done", 2, 2, 2, 0)
    ada = Subscriber.objects.get(email="ada@example.org")
    assert ada.status == SubscriberStatus.CONFIRMED and ada.source == Subscriber.Source.IMPORT
    assert "stated these people had consented" in ada.consent_text
    assert set(ada.lists.values_list("slug", flat=True)) == {"morning", "week"}
    assert Subscriber.objects.get(email="Ben@example.org").lists.get().slug == "breaking"
    assert messages(smtp_inbox) == []


def test_rows_without_consent_stay_pending_and_each_gets_one_confirmation_mail(
    site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    text = "email,lists\nada@example.org,morning\nada@example.org,week\nben@example.org,week\n"

    job = run_import(site_tree.site, text, consented=False, capture=django_capture_on_commit_callbacks)

    assert job.added == 2 and job.mails_queued == 2
    assert set(Subscriber.objects.values_list("status", flat=True)) == {SubscriberStatus.PENDING}
    assert sorted(str(message["To"]) for message in messages(smtp_inbox)) == ["ada@example.org", "ben@example.org"]
    assert set(Subscriber.objects.get(email="ada@example.org").lists.values_list("slug", flat=True)) == {
        "morning",
        "week",
    }


def test_invalid_rows_are_reported_by_line_and_the_rest_imported(site_tree, lists, django_capture_on_commit_callbacks):
    text = (
        "email,lists\n"
        "good@example.org,morning\n"
        "not-an-address,morning\n"
        "nolist@example.org,\n"
        "unknown@example.org,gardening\n"
        "two words@example.org,morning\n" + "x" * 3000 + "@example.org,morning\n"
    )

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert (job.added, job.invalid) == (1, 5)
    problems = job.problems.splitlines()
    assert problems[0].startswith("Line 3: Enter a valid email address")
    assert problems[1] == "Line 4: no list named."
    assert problems[2] == "Line 5: unknown list “gardening”."
    assert problems[4] == "Line 7: a cell is too long."


def test_an_import_never_brings_back_someone_who_left(site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks):
    make_subscriber(site_tree.site, "gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber(site_tree.site, "bounced@example.org", status=SubscriberStatus.BOUNCED)
    kept = make_subscriber(site_tree.site, "kept@example.org", lists=[lists["week"]])
    text = "email,lists\nGONE@example.org,morning\nbounced@example.org,morning\nkept@example.org,morning\n"

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert (job.added, job.updated, job.skipped) == (0, 1, 2)
    assert Subscriber.objects.get(email="gone@example.org").status == SubscriberStatus.UNSUBSCRIBED
    assert Subscriber.objects.get(email="gone@example.org").lists.count() == 0
    assert set(kept.lists.values_list("slug", flat=True)) == {"morning", "week"}
    assert messages(smtp_inbox) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,lists\nada@example.org,morning\n", "one called “email”"),
        (b"email,lists\n", "no rows"),
        (b"", "one called “email”"),
        (b"email,lists\n\xff\xfeada@example.org,morning\n", "not UTF-8"),
    ],
)
def test_files_that_are_not_a_subscriber_list_are_refused_whole(site_tree, lists, content, message):
    with pytest.raises(imports.ImportRefused, match=message):
        imports.import_create(site=site_tree.site, upload=SimpleUploadedFile("x.csv", content), consented=True)
    assert not SubscriberImport.objects.exists()


def test_a_chunk_processed_twice_imports_its_rows_once(
    site_tree, lists, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    rows = "".join(f"r{n}@example.org,morning\n" for n in range(35))
    with django_capture_on_commit_callbacks(execute=False):
        job = imports.import_create(site=site_tree.site, upload=upload("email,lists\n" + rows), consented=True)
    assert job.chunks.count() == 4

    assert imports.import_process(import_id=job.pk) == 35
    assert imports.import_process(import_id=job.pk) == 0  # a second run (a retried task) finds nothing left

    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.added, job.percent) == ("done", 35, 35, 100)
    assert Subscriber.objects.count() == 35 and Subscription.objects.count() == 35


def test_a_hundred_thousand_rows_import_in_chunks_with_flat_memory(
    site_tree, lists, django_capture_on_commit_callbacks
):
    """The admin path at size: the upload is read as a stream into chunks (its memory
    measured, and far below the file's size), then processed a chunk at a time."""
    count = 100_000
    body = "email,lists\n" + "".join(f"reader{n}@example.org,morning;breaking\n" for n in range(count))
    file = upload(body)
    size = len(body)
    del body
    tracemalloc.start()
    try:
        with django_capture_on_commit_callbacks(execute=False) as queued:
            job = imports.import_create(site=site_tree.site, upload=file, consented=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 2, f"reading the upload peaked at {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
    assert job.chunks.count() == count // imports.CHUNK_ROWS

    for callback in queued:  # the task, as the worker runs it
        callback()

    job.refresh_from_db()
    assert (job.state, job.total_rows, job.added, job.invalid) == ("done", count, count, 0)
    assert Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count() == count
    assert Subscription.objects.count() == 2 * count


def test_the_export_streams_every_subscriber_with_its_lists_and_imports_back(
    site_tree, lists, django_capture_on_commit_callbacks
):
    make_subscriber(site_tree.site, "ada@example.org", lists=[lists["morning"], lists["breaking"]])
    make_subscriber(site_tree.site, "=HYPERLINK(1)@example.org", lists=[lists["week"]])
    make_subscriber(site_tree.site, "gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    for n in range(30):
        make_subscriber(site_tree.site, f"r{n}@example.org", lists=[lists["week"]])

    text = "".join(imports.export_rows(Subscriber.objects.all(), batch=7))

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 33
    by_email = {row["email"]: row for row in rows}
    assert by_email["ada@example.org"]["lists"] == "morning;breaking"
    assert by_email["gone@example.org"]["status"] == "unsubscribed"
    assert "'=HYPERLINK(1)@example.org" in by_email  # a spreadsheet shows it, never runs it
    Subscriber.objects.all().delete()
    confirmed_only = "".join(line for line in text.splitlines(keepends=True) if ",unsubscribed," not in line)
    job = run_import(site_tree.site, confirmed_only, consented=True, capture=django_capture_on_commit_callbacks)
    assert (job.added, job.invalid) == (31, 1)  # the formula-guarded address is not an address


def test_the_command_line_imports_with_a_progress_bar(site_tree, lists, tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    file = tmp_path / "readers.csv"
    file.write_text("email,lists\n" + "".join(f"r{n}@example.org,week\n" for n in range(25)) + "bad,week\n")
    out = io.StringIO()

    call_command("newsletter_import", str(file), "--consented", stdout=out)

    text = out.getvalue()
    assert "[" + "#" * 30 + "] 100%  26 of 26 rows" in text
    assert "25 added" in text and "1 invalid" in text and "Line 27: Enter a valid email address" in text
    assert Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count() == 25
    assert SubscriberImport.objects.get().state == "done"
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("newsletter_import", str(tmp_path / "missing.csv"), stdout=io.StringIO())
