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


def test_an_imported_address_that_confirms_keeps_what_it_agreed_to(
    site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    """Imported without consent, it confirmed with nothing kept of what it agreed to; the
    confirmation page now shows the site's statement, and confirming keeps it."""
    from django.test import Client

    from masthead.newsletter.models import NewsletterSettings
    from masthead.newsletter.tests.factories import link_in
    from masthead.newsletter.tests.mail import text_of

    statement = "I agree to receive the Ledger newsletters and may leave at any time."
    NewsletterSettings.objects.update_or_create(site=site_tree.site, defaults={"consent_text": statement})
    run_import(
        site_tree.site,
        "email,lists\nada@example.org,morning\n",
        consented=False,
        capture=django_capture_on_commit_callbacks,
    )
    confirm = link_in(text_of(messages(smtp_inbox)[0]), "confirm")
    reader = Client()
    assert statement in reader.get(confirm).content.decode()

    reader.post(confirm)

    ada = Subscriber.objects.get(email="ada@example.org")
    assert (ada.status, ada.consent_text) == (SubscriberStatus.CONFIRMED, statement)


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
        (b"email," + b"x" * 200_000 + b"\nada@example.org,morning\n", "first line cannot be read"),
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
    make_subscriber(site_tree.site, "dead@example.org", status=SubscriberStatus.BOUNCED, lists=[lists["morning"]])
    make_subscriber(site_tree.site, "waiting@example.org", status=SubscriberStatus.PENDING, lists=[lists["week"]])
    make_subscriber(site_tree.site, "-desk@example.org", lists=[lists["morning"]])
    for n in range(30):
        make_subscriber(site_tree.site, f"r{n}@example.org", lists=[lists["week"]])
    before = dict(Subscriber.objects.values_list("email", "status"))

    text = "".join(imports.export_rows(Subscriber.objects.all(), batch=7))

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 36
    by_email = {row["email"]: row for row in rows}
    assert by_email["ada@example.org"]["lists"] == "morning;breaking"
    assert by_email["gone@example.org"]["status"] == "unsubscribed"
    assert "'=HYPERLINK(1)@example.org" in by_email  # a spreadsheet shows it, never runs it
    assert "'-desk@example.org" in by_email
    Subscriber.objects.all().delete()
    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)
    assert (job.added, job.skipped, job.invalid, job.mails_queued) == (33, 2, 1, 1)
    # Every address comes back as it was, but the one no form would take (the factory made it).
    del before["=HYPERLINK(1)@example.org"]
    assert dict(Subscriber.objects.values_list("email", "status")) == before
    assert set(Subscriber.objects.get(email="ada@example.org").lists.values_list("slug", flat=True)) == {
        "morning",
        "breaking",
    }
    assert Subscriber.objects.get(email="waiting@example.org").lists.get().slug == "week"
    assert not Subscription.objects.filter(subscriber__email__in=["gone@example.org", "dead@example.org"]).exists()


def test_a_status_column_is_honoured_and_only_confirmed_rows_are_confirmed(
    site_tree, lists, smtp_inbox, django_capture_on_commit_callbacks
):
    """An unsubscribed or bounced row is kept as such, subscribed to nothing and never
    mailed, and never re-subscribes an address already here; a pending row waits for its
    confirmation mail though the editor ticked "consented"; a confirmed or blank one is
    confirmed as before."""
    kept = make_subscriber(site_tree.site, "kept@example.org", lists=[lists["week"]])
    text = (
        "email,lists,status\n"
        "left@example.org,morning,unsubscribed\n"
        "dead@example.org,,Bounced\n"
        "never@example.org,morning,pending\n"
        "ok@example.org,morning,confirmed\n"
        "blank@example.org,morning,\n"
        "kept@example.org,morning,unsubscribed\n"
        "odd@example.org,morning,subscribed\n"
    )

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert dict(Subscriber.objects.values_list("email", "status")) == {
        "left@example.org": SubscriberStatus.UNSUBSCRIBED,
        "dead@example.org": SubscriberStatus.BOUNCED,
        "never@example.org": SubscriberStatus.PENDING,
        "ok@example.org": SubscriberStatus.CONFIRMED,
        "blank@example.org": SubscriberStatus.CONFIRMED,
        "kept@example.org": SubscriberStatus.CONFIRMED,
    }
    assert (job.added, job.updated, job.skipped, job.invalid, job.mails_queued) == (3, 0, 3, 1, 1)
    assert job.problems == "Line 8: unknown status “subscribed”: use confirmed, pending, unsubscribed or bounced."
    assert not Subscription.objects.filter(subscriber__email__in=["left@example.org", "dead@example.org"]).exists()
    assert set(kept.lists.values_list("slug", flat=True)) == {"week"}
    never = Subscriber.objects.get(email="never@example.org")
    assert never.confirmed_at is None and never.consent_text == ""
    assert never.lists.get().slug == "morning"
    assert [str(message["To"]) for message in messages(smtp_inbox)] == ["never@example.org"]


def test_line_break_characters_inside_a_cell_do_not_split_its_row(site_tree, lists, django_capture_on_commit_callbacks):
    """Only CR and LF end a CSV line: U+2028, U+0085, form feed and the separators
    \\x1c-\\x1e are characters of a cell (a name pasted from a word processor)."""
    text = (
        "\ufeffemail,name,lists\n"
        "ada@example.org,Ada\u2028Lovelace,morning\n"
        "ben@example.org,Ben\x85Okri\x0c\x1c\x1d\x1e,morning\r\n"
        "cy@example.org,Cy,morning\n"
    )

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert (job.total_rows, job.added, job.invalid) == (3, 3, 0)
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "ada@example.org",
        "ben@example.org",
        "cy@example.org",
    }


def test_addresses_starting_with_a_formula_character_import_back_unchanged(
    site_tree, lists, django_capture_on_commit_callbacks
):
    """The export guards them with an apostrophe for spreadsheets; the import takes it off,
    and only that one: an address that really starts with an apostrophe keeps it."""
    emails = {"-desk@example.org", "+tips@example.org", "=x@example.org", "'-quote@example.org", "'plain@example.org"}
    for email in emails:
        make_subscriber(site_tree.site, email, lists=[lists["morning"]])
    text = "".join(imports.export_rows(Subscriber.objects.all()))
    Subscriber.objects.all().delete()

    job = run_import(site_tree.site, text, consented=True, capture=django_capture_on_commit_callbacks)

    assert (job.added, job.invalid) == (5, 0)
    assert set(Subscriber.objects.values_list("email", flat=True)) == emails


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
