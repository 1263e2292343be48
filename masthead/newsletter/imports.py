"""CSV import of subscribers (columns `email` and `lists`, and `status` if the file has
one) and the CSV export, which writes those columns so an export imports back as it was.

An upload is read as a stream (Django spools large uploads to a temporary file) and
kept as chunks of CHUNK_ROWS rows in the database, so any worker can process it and
memory stays flat whatever the file's size. `import_process` then takes one chunk per
transaction: the chunk is marked done in the transaction that writes its subscribers, so
a task run twice, or resumed after a crash, imports each row once.

What a row does:
- a new address is added: confirmed if the editor ticked "these people already
  consented", otherwise pending, with a confirmation mail (paced: at most
  CONFIRMATIONS_PER_MINUTE a minute for the whole import);
- a confirmed or pending address gets the row's lists added;
- an unsubscribed or bounced address is left alone: an import never brings back
  someone who left, whatever the file says.

A `status` column (the export writes one) is honoured: a row whose status is
"unsubscribed" or "bounced" is kept as such, a record that the address must not be mailed
(a new address is added with that status and no lists, an address already here is left
alone); a "pending" row is never confirmed, even with "consented" ticked: it gets the
confirmation mail as an unconsented row does; "confirmed" (or an empty cell) is a row as
without the column. Any other status is an invalid row.

Cells are read back through `uncell`: the apostrophe the export puts before an address
starting with "-", "+" or "=" (for spreadsheets) is not part of the address.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from masthead.core.spreadsheets import Echo, cell, uncell
from masthead.newsletter.models import (
    NewsletterList,
    Subscriber,
    SubscriberImport,
    SubscriberImportChunk,
    SubscriberStatus,
    Subscription,
)
from masthead.newsletter.services import SignupRefused, clean_email

CHUNK_ROWS = 2000
MAX_ROWS = 1_000_000
MAX_CELL = 2000  # characters kept of a cell; longer is reported, not stored
MAX_PROBLEMS = 50
CONFIRMATIONS_PER_MINUTE = 300
LIST_SEPARATORS = re.compile(r"[;|,]")
SUPPRESSED = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED)
CSV_EXPORT_FIELDS = [
    "email",
    "lists",
    "status",
    "source",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
    "paused_until",
]


class ImportRefused(Exception):
    pass


def import_create(*, site, upload, consented: bool, user=None, start: bool = True) -> SubscriberImport:
    """Read the uploaded file once, row by row, into chunks; the task does the rest (or,
    with start=False, the caller: the command line imports in its own process)."""
    # newline="" as the csv module requires: only CR and LF end a line, so U+2028, U+0085,
    # form feeds and the like stay inside their cell (a codecs reader split rows at them).
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", errors="strict", newline="")
    try:
        return _import_create(
            site=site, reader=csv.reader(text), upload=upload, consented=consented, user=user, start=start
        )
    finally:
        text.detach()  # the upload is the caller's: the wrapper must not close it


def _import_create(*, site, reader, upload, consented: bool, user, start: bool) -> SubscriberImport:
    with transaction.atomic():
        job = SubscriberImport.objects.create(
            site=site, created_by=user, file_name=str(getattr(upload, "name", ""))[:200], consented=consented
        )
        try:
            try:
                header = [uncell(value).strip().lower() for value in next(reader, [])]
            except csv.Error as error:
                raise ImportRefused(
                    f"The first line cannot be read as the names of the columns ({error}): "
                    "it must name them, with one called “email” (and “lists”)."
                ) from None
            if "email" not in header:
                raise ImportRefused("The first line must name the columns, with one called “email” (and “lists”).")
            email_at = header.index("email")
            lists_at = header.index("lists") if "lists" in header else None
            status_at = header.index("status") if "status" in header else None
            chunk, number, first_line, total = [], 0, 2, 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    row = ["", ""]  # a malformed line: reported as an invalid address
                total += 1
                if total > MAX_ROWS:
                    raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows: split it.")
                chunk.append([_column(row, at)[: MAX_CELL + 1] for at in (email_at, lists_at, status_at)])
                if len(chunk) == CHUNK_ROWS:
                    SubscriberImportChunk.objects.create(
                        subscriber_import=job, number=number, first_line=first_line, rows=chunk
                    )
                    number, first_line, chunk = number + 1, first_line + CHUNK_ROWS, []
            if chunk:
                SubscriberImportChunk.objects.create(
                    subscriber_import=job, number=number, first_line=first_line, rows=chunk
                )
        except UnicodeDecodeError:
            raise ImportRefused("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.") from None
        if total == 0:
            raise ImportRefused("The file has no rows under its first line.")
        job.total_rows = total
        job.save(update_fields=["total_rows"])
    if start:
        from masthead.newsletter import tasks

        job_id = job.pk
        transaction.on_commit(lambda: tasks.process_import.enqueue(job_id))
    return job


def _column(row: list[str], at: int | None) -> str:
    return row[at] if at is not None and at < len(row) else ""


def import_process(*, import_id: int, now=None) -> int:
    job = SubscriberImport.objects.filter(pk=import_id).first()
    if job is None or job.state == SubscriberImport.State.DONE:
        return 0
    SubscriberImport.objects.filter(pk=import_id, state=SubscriberImport.State.QUEUED).update(
        state=SubscriberImport.State.RUNNING
    )
    lists = _lists_by_name(job.site_id)
    processed = 0
    for chunk_id in job.chunks.filter(done=False).order_by("number").values_list("pk", flat=True):
        processed += _process_chunk(job, chunk_id, lists, now=now or timezone.now())
    _finish(import_id)
    return processed


def import_process_chunk(*, import_id: int, chunk_id: int) -> int:
    """One chunk, for a caller that reports progress after each (the command line)."""
    job = SubscriberImport.objects.get(pk=import_id)
    SubscriberImport.objects.filter(pk=import_id, state=SubscriberImport.State.QUEUED).update(
        state=SubscriberImport.State.RUNNING
    )
    processed = _process_chunk(job, chunk_id, _lists_by_name(job.site_id), now=timezone.now())
    _finish(import_id)
    return processed


def _finish(import_id: int) -> None:
    SubscriberImport.objects.filter(pk=import_id).exclude(chunks__done=False).exclude(
        state=SubscriberImport.State.DONE
    ).update(state=SubscriberImport.State.DONE, finished_at=timezone.now())


def _lists_by_name(site_id: int) -> dict[str, NewsletterList]:
    found = {}
    for newsletter_list in NewsletterList.objects.filter(site_id=site_id):
        found[newsletter_list.slug.lower()] = newsletter_list
        found.setdefault(newsletter_list.name.strip().lower(), newsletter_list)
    return found


class _Outcome:
    def __init__(self):
        self.added = self.updated = self.skipped = self.invalid = 0
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.invalid += 1
        self.problems.append(f"Line {line}: {message}")


# A row's status as the import takes it; "" is a row without one (confirmed if the editor
# ticked "consented", else pending). Several rows for one address: the most cautious wins.
ROW_STATUSES = {
    "": "",
    SubscriberStatus.CONFIRMED.value: "",
    SubscriberStatus.PENDING.value: SubscriberStatus.PENDING,
    SubscriberStatus.UNSUBSCRIBED.value: SubscriberStatus.UNSUBSCRIBED,
    SubscriberStatus.BOUNCED.value: SubscriberStatus.BOUNCED,
}
CAUTION = {"": 0, SubscriberStatus.PENDING: 1, SubscriberStatus.BOUNCED: 2, SubscriberStatus.UNSUBSCRIBED: 3}


def _parse(chunk: SubscriberImportChunk, lists: dict[str, NewsletterList], outcome: _Outcome) -> dict:
    """The chunk's valid rows: lower-case address → (address, list ids, row status)."""
    wanted: dict[str, tuple[str, set[int], str]] = {}
    for offset, row in enumerate(chunk.rows):
        line = chunk.first_line + offset
        raw_email, raw_lists, raw_status = (*row, "")[:3]  # chunks stored before `status` have two cells
        if max(len(raw_email), len(raw_lists), len(raw_status)) > MAX_CELL:
            outcome.problem(line, "a cell is too long.")
            continue
        try:
            email = clean_email(uncell(raw_email))
        except SignupRefused as refusal:
            outcome.problem(line, refusal.message)
            continue
        status = ROW_STATUSES.get(uncell(raw_status).strip().lower())
        if status is None:
            outcome.problem(
                line, f"unknown status “{raw_status.strip()[:60]}”: use confirmed, pending, unsubscribed or bounced."
            )
            continue
        key = email.lower()
        if status in SUPPRESSED:  # subscribed to nothing, so its lists are not looked at
            list_ids: set[int] = set()
        else:
            names = [name.strip().lower() for name in LIST_SEPARATORS.split(uncell(raw_lists)) if name.strip()]
            unknown = [name for name in names if name not in lists]
            if not names or unknown:
                outcome.problem(line, f"unknown list “{unknown[0][:60]}”." if unknown else "no list named.")
                continue
            list_ids = {lists[name].pk for name in names}
        _previous_email, previous_ids, previous_status = wanted.get(key, (email, set(), ""))
        status = max(status, previous_status, key=CAUTION.__getitem__)
        wanted[key] = (email, set() if status in SUPPRESSED else previous_ids | list_ids, status)
    return wanted


def _process_chunk(job: SubscriberImport, chunk_id: int, lists, *, now) -> int:
    outcome = _Outcome()
    to_mail: list[int] = []
    with transaction.atomic():
        chunk = SubscriberImportChunk.objects.select_for_update().filter(pk=chunk_id, done=False).first()
        if chunk is None:  # another run took it
            return 0
        wanted = _parse(chunk, lists, outcome)
        existing = {
            subscriber.lowered: subscriber
            for subscriber in Subscriber.objects.annotate(lowered=Lower("email")).filter(
                site_id=job.site_id, lowered__in=list(wanted)
            )
        }
        created = _create_new(
            job, [(email, status) for key, (email, _ids, status) in wanted.items() if key not in existing], now=now
        )
        subscriptions = []
        for key, (_email, list_ids, row_status) in wanted.items():
            subscriber = existing.get(key) or created.get(key)
            if subscriber is None:
                continue
            if subscriber.status in SUPPRESSED or row_status in SUPPRESSED:
                outcome.skipped += 1  # left as it was, or added as a record never to mail
                continue
            confirms = job.consented and row_status != SubscriberStatus.PENDING
            if key in existing:
                outcome.updated += 1
                if subscriber.status == SubscriberStatus.PENDING and confirms:
                    Subscriber.objects.filter(pk=subscriber.pk, status=SubscriberStatus.PENDING).update(
                        status=SubscriberStatus.CONFIRMED, confirmed_at=now, consent_text=_consent(job)
                    )
            else:
                outcome.added += 1
            if subscriber.status == SubscriberStatus.PENDING and not confirms:
                to_mail.append(subscriber.pk)
            subscriptions += [Subscription(subscriber_id=subscriber.pk, newsletter_list_id=pk) for pk in list_ids]
        Subscription.objects.bulk_create(subscriptions, ignore_conflicts=True)
        chunk.done = True
        chunk.save(update_fields=["done"])
        SubscriberImport.objects.filter(pk=job.pk).update(
            processed_rows=F("processed_rows") + len(chunk.rows),
            added=F("added") + outcome.added,
            updated=F("updated") + outcome.updated,
            skipped=F("skipped") + outcome.skipped,
            invalid=F("invalid") + outcome.invalid,
            mails_queued=F("mails_queued") + len(to_mail),
        )
        if outcome.problems:
            _note_problems(job.pk, outcome.problems)
        first_mail = SubscriberImport.objects.values_list("mails_queued", flat=True).get(pk=job.pk) - len(to_mail)
        transaction.on_commit(lambda: _queue_confirmations(to_mail, first=first_mail, now=now))
    return len(chunk.rows)


def _consent(job: SubscriberImport) -> str:
    who = job.created_by.get_username() if job.created_by_id else "an editor"
    return f"Imported from {job.file_name or 'a CSV file'} by {who} on {job.created_at:%Y-%m-%d}, who stated these people had consented."


def _create_new(job: SubscriberImport, new: list[tuple[str, str]], *, now) -> dict[str, Subscriber]:
    """The new addresses, each with its row's status ("" for a row without one)."""
    rows = []
    for email, row_status in new:
        status = row_status or (SubscriberStatus.CONFIRMED if job.consented else SubscriberStatus.PENDING)
        rows.append(
            Subscriber(
                site_id=job.site_id,
                email=email,
                source=Subscriber.Source.IMPORT,
                status=status,
                confirmed_at=now if status == SubscriberStatus.CONFIRMED else None,
                unsubscribed_at=now if status == SubscriberStatus.UNSUBSCRIBED else None,
                bounced_at=now if status == SubscriberStatus.BOUNCED else None,
                consent_text=_consent(job) if status == SubscriberStatus.CONFIRMED else "",
                created_at=now,
            )
        )
    emails = [email for email, _status in new]
    try:
        with transaction.atomic():
            made = Subscriber.objects.bulk_create(rows)
    except IntegrityError:
        # A reader signed up with one of these addresses meanwhile: one at a time, then.
        made = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                made.append(row)
            except IntegrityError:
                continue
    if made and made[0].pk is None:  # a database that cannot return ids from a bulk insert
        made = list(Subscriber.objects.filter(site_id=job.site_id, email__in=emails))
    return {subscriber.email.lower(): subscriber for subscriber in made}


def _note_problems(import_id: int, problems: list[str]) -> None:
    current = SubscriberImport.objects.values_list("problems", flat=True).get(pk=import_id)
    kept = [line for line in current.splitlines() if line]
    if len(kept) >= MAX_PROBLEMS:
        return
    kept += problems[: MAX_PROBLEMS - len(kept)]
    SubscriberImport.objects.filter(pk=import_id).update(problems="\n".join(kept))


def _queue_confirmations(subscriber_ids: list[int], *, first: int, now) -> None:
    """Confirmation mails for imported addresses, CONFIRMATIONS_PER_MINUTE a minute, so a
    large import neither floods the mail server nor looks like spam to receivers."""
    from masthead.newsletter import tasks

    task = tasks.send_confirmation
    deferrable = task.get_backend().supports_defer
    for number, subscriber_id in enumerate(subscriber_ids, start=first):
        if deferrable and number >= CONFIRMATIONS_PER_MINUTE:
            delay = datetime.timedelta(minutes=number // CONFIRMATIONS_PER_MINUTE)
            task.using(run_after=now + delay).enqueue(subscriber_id)
        else:
            task.enqueue(subscriber_id)


# Export ------------------------------------------------------------------------------


def export_rows(queryset, *, batch: int = 2000):
    """CSV lines for the subscribers in `queryset`, read in keyset batches (never the
    whole table in memory): a header, then one line per subscriber with its lists' slugs."""
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_EXPORT_FIELDS)
    slugs = dict(NewsletterList.objects.values_list("pk", "slug"))
    last = 0
    fields = ["pk", *CSV_EXPORT_FIELDS[:1], *CSV_EXPORT_FIELDS[2:]]
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list(*fields)[:batch])
        if not rows:
            return
        ids = [row[0] for row in rows]
        lists: dict[int, list[str]] = {}
        for subscriber_id, list_id in (
            Subscription.objects.filter(subscriber_id__in=ids)
            .order_by("newsletter_list_id")
            .values_list("subscriber_id", "newsletter_list_id")
        ):
            lists.setdefault(subscriber_id, []).append(slugs.get(list_id, ""))
        for row in rows:
            pk, email, *rest = row
            yield writer.writerow([cell(email), cell(";".join(lists.get(pk, []))), *(cell(value) for value in rest)])
        last = ids[-1]
