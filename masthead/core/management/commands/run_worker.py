import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.core import periodic


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (scheduled publishing, ...), without auto-reload."

    def handle(self, *args, **options):
        stop = threading.Event()
        scheduler = threading.Thread(target=periodic.run_forever, args=(stop,), name="periodic-jobs", daemon=True)
        scheduler.start()
        try:
            # db_worker follows DEBUG for auto-reload; a production-like worker never reloads.
            call_command("db_worker", reload=False, interval=1, verbosity=0, queue_name="*")
        finally:
            stop.set()
            scheduler.join(timeout=5)
