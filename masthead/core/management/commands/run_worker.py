import contextlib
import functools
import os
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.core import periodic


def say_ready(fd: int) -> None:
    """Tell `masthead serve` that the first round of periodic jobs has run."""
    with contextlib.suppress(OSError), os.fdopen(fd, "wb") as pipe:  # serve may be gone
        pipe.write(b"ready\n")


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (scheduled publishing, ...), without auto-reload."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ready-fd",
            type=int,
            help="write a line to this file descriptor once the periodic jobs have run once (for masthead serve)",
        )

    def handle(self, *args, ready_fd=None, **options):
        stop = threading.Event()
        after_first_round = functools.partial(say_ready, ready_fd) if ready_fd is not None else None
        scheduler = threading.Thread(
            target=periodic.run_forever,
            args=(stop,),
            kwargs={"after_first_round": after_first_round},
            name="periodic-jobs",
            daemon=True,
        )
        scheduler.start()
        try:
            # db_worker follows DEBUG for auto-reload; a production-like worker never reloads.
            call_command("db_worker", reload=False, interval=1, verbosity=0, queue_name="*")
        finally:
            stop.set()
            scheduler.join(timeout=5)
