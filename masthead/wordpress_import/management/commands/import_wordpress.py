"""`masthead import-wordpress EXPORT.xml [--dry-run]`: read a WordPress export (WXR) as a
stream; with --dry-run, report what an import would bring across and what it would leave
out and why; without, import it (services.py): authors, categories as sections, tags,
posts as articles with a redirect from each old address, updated in place on a second
run. Pages, media, comments and view counts are not imported yet (issue 14).
"""

from django.core.management.base import BaseCommand, CommandError

from masthead.wordpress_import import services, survey, wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0 to 1.2); --dry-run reports what would come across."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file WordPress wrote (Tools → Export → All content)")
        parser.add_argument("--dry-run", action="store_true", help="read the export and report; change nothing")
        parser.add_argument(
            "--keep-pingbacks", action="store_true", help="import pingbacks and trackbacks as comments too"
        )
        parser.add_argument("--media-dir", help="a copy of the site's wp-content/uploads")
        parser.add_argument("--media-base-url", help="where the site's uploads can be fetched from")

    def handle(self, *args, export, dry_run=False, keep_pingbacks=False, **options):
        try:
            with open(export, "rb") as source:
                if dry_run:
                    report = survey.survey(wxr.read(source), keep_pingbacks=keep_pingbacks)
                else:
                    report = services.import_export(source, keep_pingbacks=keep_pingbacks)
        except OSError as error:
            raise CommandError(f"Cannot read {export}: {error.strerror or error}.") from error
        except wxr.ExportError as error:
            raise CommandError(f"{export} was not imported: {error}.") from None
        self.stdout.write(str(report), ending="")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.\n")
