"""`masthead import-wordpress EXPORT.xml --dry-run`: read a WordPress export (WXR) as a
stream and report what an import would bring across, and what it would leave out and why.

The import itself (articles, sections, tags, authors, pages, images, comments and
redirects, updated in place on a second run) is being built (issue 14); until it lands
the command runs only with --dry-run and says so otherwise.
"""

from django.core.management.base import BaseCommand, CommandError

from masthead.wordpress_import import survey, wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0–1.2). For now: --dry-run reports what would come across."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file WordPress wrote (Tools → Export → All content)")
        parser.add_argument("--dry-run", action="store_true", help="read the export and report; change nothing")
        parser.add_argument(
            "--keep-pingbacks", action="store_true", help="import pingbacks and trackbacks as comments too"
        )
        parser.add_argument("--media-dir", help="a copy of the site's wp-content/uploads")
        parser.add_argument("--media-base-url", help="where the site's uploads can be fetched from")

    def handle(self, *args, export, dry_run=False, keep_pingbacks=False, **options):
        if not dry_run:
            raise CommandError(
                "Importing is not available yet: run with --dry-run to check the export and see what would come across."
            )
        try:
            with open(export, "rb") as source:
                report = survey.survey(wxr.read(source), keep_pingbacks=keep_pingbacks)
        except OSError as error:
            raise CommandError(f"Cannot read {export}: {error.strerror or error}.") from error
        except wxr.ExportError as error:
            raise CommandError(f"{export} was not imported: {error}.") from None
        self.stdout.write(str(report), ending="")
        self.stdout.write("Dry run: nothing was changed.\n")
