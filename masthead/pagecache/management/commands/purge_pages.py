"""`masthead purge_pages`: forget every stored page and fragment.

`masthead serve` runs it at start, since new code may render pages differently (and name
new static files); run it by hand after changing templates on a server that keeps running.
"""

from django.core.management.base import BaseCommand, CommandError

from masthead.pagecache import pending


class Command(BaseCommand):
    help = "Purge every page from the page cache, the published files and a CDN, and retire all fragments."

    def handle(self, *args, **options):
        try:
            pending.purge_everything_now()
        except Exception as error:
            raise CommandError(f"Could not purge the page cache ({error!r}); the worker will retry it.") from error
        self.stdout.write("Every page and fragment purged.")
