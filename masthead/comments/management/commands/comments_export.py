"""`masthead comments_export PAGE_ID [-o FILE]`: one article's comments as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from masthead.comments import services


class Command(BaseCommand):
    help = "Write every comment on a page (any status, threading kept) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int)
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, page_id, output=None, **options):
        page = Page.objects.filter(pk=page_id).first() if 0 < page_id < 2**62 else None
        if page is None:
            raise CommandError(f"No page with id {page_id}.")
        text = json.dumps(services.comments_export(page), ensure_ascii=False, indent=1)
        if output in (None, "-"):
            sys.stdout.write(text + "\n")
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from error
        self.stderr.write(f"{len(json.loads(text)['comments'])} comments written to {output}.")
