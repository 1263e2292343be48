"""`masthead newsletter_import FILE [--consented] [--site HOSTNAME]`: subscribers from a
CSV (columns `email` and `lists`), as the admin's import does, with a progress bar.
The file is read as a stream into chunks and imported a chunk at a time, here in this
process, so a large file needs no worker and no more memory than one chunk."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from masthead.newsletter import imports
from masthead.newsletter.models import SubscriberImport

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import newsletter subscribers from a CSV file (columns email and lists)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--consented",
            action="store_true",
            help="These people already consented: confirm them at once (otherwise each new address is mailed a "
            "confirmation link, paced, and gets nothing until it confirms).",
        )
        parser.add_argument("--site", default="", help="The site's hostname (default: the default site).")

    def handle(self, *args, file, consented=False, site="", **options):
        found = (
            Site.objects.filter(hostname=site).first() if site else Site.objects.filter(is_default_site=True).first()
        )
        if found is None:
            raise CommandError(f"No site {site!r}." if site else "No default site: run `masthead demo` or add one.")
        try:
            handle = open(file, "rb")  # noqa: SIM115 (closed below, after the upload is read)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
        with handle:
            try:
                job = imports.import_create(site=found, upload=handle, consented=consented, start=False)
            except imports.ImportRefused as refusal:
                raise CommandError(str(refusal)) from None
        self._run(job)

    def _run(self, job: SubscriberImport) -> None:
        for chunk_id in job.chunks.filter(done=False).order_by("number").values_list("pk", flat=True):
            imports.import_process_chunk(import_id=job.pk, chunk_id=chunk_id)
            job.refresh_from_db()
            self._bar(job)
        job.refresh_from_db()
        self.stdout.write(
            f"\n{job.added:,} added, {job.updated:,} already subscribed, {job.skipped:,} left alone "
            f"(unsubscribed or bounced), {job.invalid:,} invalid, {job.mails_queued:,} confirmation mails queued."
        )
        for line in job.problems.splitlines()[:20]:
            self.stdout.write(f"  {line}")

    def _bar(self, job: SubscriberImport) -> None:
        done = BAR_WIDTH * job.percent // 100
        line = f"\r[{'#' * done}{' ' * (BAR_WIDTH - done)}] {job.percent:3d}%  {job.processed_rows:,} of {job.total_rows:,} rows"
        self.stdout.write(line, ending="")
        if hasattr(sys.stdout, "flush"):
            self.stdout.flush()
