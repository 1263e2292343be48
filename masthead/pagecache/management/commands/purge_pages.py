"""`masthead purge_pages`: forget every stored page and fragment.

`masthead serve` runs it at start, since new code may render pages differently (and name
new static files); run it by hand after changing templates on a server that keeps running.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from masthead.pagecache import purge


class Command(BaseCommand):
    help = "Purge every page from the page cache, the published files and a CDN, and retire all fragments."

    def handle(self, *args, **options):
        with transaction.atomic():
            purge.purge_everything()  # runs on commit, as every purge does
        self.stdout.write("Every page and fragment purged.")
