"""`masthead comments_import PAGE_ID FILE [--dry-run]`: comments from an export, threading
kept; re-importing the same file updates instead of duplicating."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from masthead.comments import services
from masthead.comments.exchange import MAX_FILE_BYTES, comments_parse


class Command(BaseCommand):
    help = "Import a page's comments from a JSON export (use - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")

    def handle(self, *args, page_id, file, dry_run=False, **options):
        page = Page.objects.filter(pk=page_id).first() if 0 < page_id < 2**62 else None
        if page is None:
            raise CommandError(f"No page with id {page_id}.")
        if not getattr(page.specific_class, "accepts_comments", False):
            raise CommandError(f"Page {page_id} ({page.title}) takes no comments.")
        try:
            if file == "-":
                import sys

                raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            else:
                with open(file, "rb") as handle:
                    raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
        try:
            report = services.comments_import(page, comments_parse(raw), dry_run=dry_run)
        except services.ImportRejected as rejected:
            raise CommandError("The file was not imported:\n  " + "\n  ".join(rejected.errors)) from None
        self.stdout.write(str(report))
