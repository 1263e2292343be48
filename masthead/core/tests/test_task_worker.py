"""The task worker stops on SIGINT/SIGTERM by a flag, never by an exception raised from
inside its signal handler (which lands wherever the main thread is, a finalizer
included, and then prints a traceback into serve's output)."""

import contextlib
import signal
import threading
import time

import pytest
from django.utils.crypto import get_random_string

from masthead.core.management.commands.run_worker import STOP_SIGNALS, Worker


@contextlib.contextmanager
def handlers_restored():
    before = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def idle_worker(interval: float = 0.2) -> Worker:
    return Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_clears_the_flag_and_raises_nothing(signum):
    worker = idle_worker()
    with handlers_restored():
        worker.configure_signals()
        signal.raise_signal(signum)  # django-tasks-db's own handler raises SystemExit here

    assert worker.running is False


@pytest.mark.django_db(transaction=True)
def test_an_idle_worker_returns_within_one_polling_interval_of_sigterm():
    worker = idle_worker(interval=0.2)
    sent_at = []

    def send_sigterm():
        time.sleep(0.5)
        sent_at.append(time.monotonic())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

    with handlers_restored():
        worker.configure_signals()
        threading.Thread(target=send_sigterm, daemon=True).start()
        worker.run()
        returned_at = time.monotonic()

    assert sent_at, "run() returned before it was told to stop"
    assert worker.running is False
    assert returned_at >= sent_at[0]
