"""`masthead import-wordpress EXPORT.xml [--dry-run]`: read a WordPress export (WXR) as a
stream; with --dry-run, report what an import would bring across and what it would leave
out and why; without, import it (services.py): authors, categories as sections, tags,
posts as articles with a redirect from each old address, readers' comments, starting
view counts, and image attachments into the media library from --media-dir or
--media-base-url, and pages as simple pages; updated in place on a second run, except
articles and pages edited here since the last import (kept as edited; --overwrite-edits
replaces them too).
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from masthead.wordpress_import import media, services, survey, wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0 to 1.2); --dry-run reports what would come across."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file WordPress wrote (Tools → Export → All content)")
        parser.add_argument("--dry-run", action="store_true", help="read the export and report; change nothing")
        parser.add_argument(
            "--keep-pingbacks", action="store_true", help="import pingbacks and trackbacks as comments too"
        )
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="replace articles and pages edited here since the last import with WordPress's version",
        )
        parser.add_argument("--media-dir", help="a copy of the site's wp-content/uploads")
        parser.add_argument("--media-base-url", help="where the site's uploads can be fetched from")

    def handle(
        self,
        *args,
        export,
        dry_run=False,
        keep_pingbacks=False,
        overwrite_edits=False,
        media_dir=None,
        media_base_url=None,
        **options,
    ):
        media_source = _media_source(media_dir, media_base_url)
        try:
            with open(export, "rb") as source:
                if dry_run:
                    report = survey.survey(wxr.read(source), keep_pingbacks=keep_pingbacks)
                else:
                    report = services.import_export(
                        source,
                        keep_pingbacks=keep_pingbacks,
                        overwrite_edits=overwrite_edits,
                        media_source=media_source,
                        progress=progress_bar(self.stderr) if self.stderr.isatty() else None,
                    )
        except OSError as error:
            raise CommandError(f"Cannot read {export}: {error.strerror or error}.") from error
        except wxr.ExportError as error:
            raise CommandError(f"{export} was not imported: {error}.") from None
        self.stdout.write(str(report), ending="")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.\n")


def _media_source(media_dir: str | None, base_url: str | None) -> media.MediaSource:
    folder = None
    if media_dir:
        folder = Path(media_dir)
        if not folder.is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder.")
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--media-base-url {base_url}: give an http or https address.")
    return media.MediaSource(media_dir=folder, base_url=base_url or "")


def progress_bar(stream, width: int = 30):
    """A one-line progress bar for a terminal: the pass and how much of the file it has read."""

    def show(phase: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(width * share)
        stream.write(
            f"\r{phase:<20} [{'#' * filled}{'.' * (width - filled)}] {share:4.0%}  {done / 1e6:,.1f} of {total / 1e6:,.1f} MB",
            ending="\n" if phase == "Done" else "",
        )
        stream.flush()

    return show
