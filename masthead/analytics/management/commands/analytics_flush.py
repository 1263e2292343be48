from django.core.management.base import BaseCommand

from masthead.analytics import spool
from masthead.analytics.flush import flush_counts


class Command(BaseCommand):
    help = (
        "Move view and ad counts waiting in beacon spools and in Redis into the database now "
        "(the worker does it every 10 s)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=30.0,
            help="seconds to wait for running workers to ship their beacon spools first (0: not at all)",
        )

    def handle(self, *args, **options):
        from django.conf import settings

        if settings.MASTHEAD_PAGE_CACHE_REDIS_URL and options["wait"] > 0:
            spool.ship_everything()  # a dead worker's spool first: no one else ships it
            if not spool.wait_for_live_spools(options["wait"]):
                self.stderr.write("A running worker had not shipped its beacon spool in time; flushing what is in.")
        applied = flush_counts()
        self.stdout.write(f"Applied {applied} batch(es) of counts.")
