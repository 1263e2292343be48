import contextlib
import functools
import os
import signal
import threading

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands import db_worker

from masthead.core import periodic

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def say_ready(fd: int) -> None:
    """Tell `masthead serve` that the first round of periodic jobs has run."""
    with contextlib.suppress(OSError), os.fdopen(fd, "wb") as pipe:  # serve may be gone
        pipe.write(b"ready\n")


class Worker(db_worker.Worker):
    """db_worker's task loop, told to stop by a flag.

    db_worker's own handler calls sys.exit() inside the signal handler, so SystemExit
    is raised wherever the main thread happens to be: in a finalizer run by the garbage
    collector it cannot propagate and Python prints "Exception ignored in …" with a
    traceback instead (seen in serve's output when it stopped its children). Here the
    first signal only clears `running`: the loop ends after the task in hand, or within
    one polling interval when idle. A second signal stops the process at once, by the
    signal's own default action (no traceback, and still "press Ctrl+C again to force").
    """

    def configure_signals(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.stop_after_this_task)

    def stop_after_this_task(self, signum, frame) -> None:
        if not self.running:
            for other in STOP_SIGNALS:
                signal.signal(other, signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        self.running = False


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
        # Quiet, as `db_worker --verbosity 0` is: failures are kept on the task results.
        db_worker.Command(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity=0)
        # A production-like worker never reloads (db_worker follows DEBUG for that).
        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=1,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=True,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        worker.configure_signals()
        scheduler.start()
        try:
            worker.run()
        finally:
            stop.set()
            scheduler.join(timeout=5)
