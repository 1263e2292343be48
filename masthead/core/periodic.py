"""Jobs the worker runs on a timer. Each app adds its own with `register()` in its
AppConfig.ready(), so this module names no feature app."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], None]


def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled", verbosity=0)


def retry_waiting_purges() -> None:
    from masthead.pagecache.pending import retry_pending_purges

    retry_pending_purges()


def forget_expired_rate_limits() -> None:
    from masthead.core.ratelimit import forget_expired

    forget_expired()


PERIODIC_JOBS = [
    PeriodicJob("publish scheduled pages", 30, publish_scheduled),
    # Often: readers see the old page until a failed purge's retry lands (its own delay
    # grows with each failure; a check with nothing due is one small query).
    PeriodicJob("retry purges that failed", 5, retry_waiting_purges),
    PeriodicJob("forget expired rate-limit windows", 300, forget_expired_rate_limits),
]


def register(job: PeriodicJob) -> None:
    if all(known.name != job.name for known in PERIODIC_JOBS):
        PERIODIC_JOBS.append(job)


def run_forever(
    stop: threading.Event, jobs=PERIODIC_JOBS, *, after_first_round: Callable[[], None] | None = None
) -> None:
    """Run each job when it is due until stop is set; after_first_round is called once
    every job has run once."""
    next_run = dict.fromkeys((job.name for job in jobs), 0.0)
    while not stop.is_set():
        for job in jobs:
            if time.monotonic() >= next_run[job.name]:
                close_old_connections()
                try:
                    job.run()
                except Exception:  # one failing job must not stop the others
                    logger.exception("Periodic job %r failed", job.name)
                next_run[job.name] = time.monotonic() + job.every_seconds
        if after_first_round is not None:
            after_first_round()
            after_first_round = None
        stop.wait(1.0)
