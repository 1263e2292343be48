"""The `masthead` command: Django's manage.py plus serve, worker and demo.

masthead serve     the site (granian, 2 workers) and the task worker, one process tree
masthead worker    the task worker and the periodic jobs alone
masthead demo      load the demo content and make sure an admin account exists
masthead import-wordpress EXPORT.xml --dry-run   what a WordPress export would bring across
masthead <other>   any manage.py command (migrate, createsuperuser, check, ...)
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import select
import signal
import socket
import subprocess
import sys
import time

from masthead import env

SERVER_WORKERS = 2
# Eight threads a worker. Chosen when a beacon waited for its worker's Redis call (the
# threads' beacons shared it); beacons no longer wait (they are spooled, decision 0015)
# and eight was kept, untried against fewer. The bench's bare-WSGI reference runs with
# the same. Page-cache hits lost about 5% against 2 threads in one trial: hits and renders
# hold the GIL, so more threads add switching, not speed. Beacons' SQLite writes queue
# on a lock file (counting._sqlite_writers) so the threads do not fight over its lock.
SERVER_BLOCKING_THREADS = 8
# Granian's own limit for a worker that does not stop when told, then serve's for the tree.
WORKER_KILL_SECONDS = 3
SHUTDOWN_GRACE_SECONDS = 5
READY_MESSAGE = "Masthead is serving on"
SANDBOX_MESSAGE = "Payments go to Masthead's local PayPal sandbox at"
# The donations app's webhook endpoint, where the local PayPal sandbox sends its events.
PAYPAL_WEBHOOK_PATH = "/donations/paypal/webhook/"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
POLL_SECONDS = 0.1
IMAGES_ROUTE = "/media/images"
MASTHEAD = [sys.executable, "-m", "masthead.cli"]


def _manage(argv: list[str]) -> None:
    env.use_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *argv])


def _listen_problem(host: str, port: int) -> str | None:
    """Why serve cannot listen on host:port, or None. Granian binds with SO_REUSEPORT, so
    a second server would share the port with the first without a word: this bind (no
    SO_REUSEPORT) fails while any server listens there."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.create_server((host, port), family=family):
            return None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return f"{host}:{port} is already in use (another `masthead serve`?): stop that server or set PORT."
        return f"cannot listen on {host}:{port}: {error.strerror or error}."


def _answers(host: str, port: int) -> bool:
    """True once granian answers over HTTP, which its workers do only after loading the
    site. A file under the image route is answered by granian itself, without Django."""
    connection = http.client.HTTPConnection(host, port, timeout=1)
    try:
        connection.request("HEAD", f"{IMAGES_ROUTE}/.ready")
        connection.getresponse()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


class StopSignals:
    """Remembers that SIGINT, SIGTERM or SIGHUP arrived. The handler only sets a field:
    anything more (an Event, a lock) could deadlock against the code it interrupts."""

    def __init__(self):
        self.received: int | None = None
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._receive)

    def _receive(self, signum, frame) -> None:
        self.received = signum


class ProcessTree:
    """serve's children, each the leader of a session and process group of its own.

    A granian 2.8 worker now and then misses its stop signal and keeps serving; one that
    gets SIGINT from the terminal and SIGTERM from granian at once mostly does. So a
    terminal's Ctrl-C, which goes to serve's process group, reaches serve alone; serve
    tells each child once with SIGTERM (granian kills a worker that has not stopped after
    WORKER_KILL_SECONDS), and after a grace period kills each child's whole group, which
    holds everything the child started. A child is reaped only after its group was
    killed: until then its pid, which is also its group's id, cannot be reused.
    """

    def __init__(self):
        self.children: dict[subprocess.Popen, str] = {}

    def start(self, name: str, argv: list[str], **options) -> subprocess.Popen:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True, **options)  # noqa: S603
        self.children[child] = name
        return child

    @staticmethod
    def has_exited(child: subprocess.Popen) -> bool:
        if not hasattr(os, "waitid"):  # macOS before Python 3.13: reaps it (its group id may be reused)
            return child.poll() is not None
        return os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None

    def exited(self) -> list[str]:
        return [name for child, name in self.children.items() if self.has_exited(child)]

    def finish(self, child: subprocess.Popen) -> int:
        """Kill what is left of the child's group, then reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        del self.children[child]
        return child.wait()

    def stop(self) -> None:
        for child in self.children:
            if not self.has_exited(child):
                os.kill(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        while len(self.exited()) < len(self.children) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        for child in list(self.children):
            self.finish(child)


def granian_command(config: env.Config, application: str = "masthead.wsgi:application") -> list[str]:
    """Granian as `masthead serve` runs it; the beacon bench's bare-WSGI reference runs
    its own callable with the same command, so the two differ only in the callable."""
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", config.host,
        "--port", str(config.port),
        "--workers", str(SERVER_WORKERS),
        "--workers-kill-timeout", str(WORKER_KILL_SECONDS),
        "--no-reload",
        "--respawn-failed-workers",
        "--blocking-threads", str(SERVER_BLOCKING_THREADS),
        # Image renditions are plain files: granian sends them without entering Python.
        # (Documents stay behind Wagtail's privacy checks at /documents/.)
        "--static-path-route", IMAGES_ROUTE,
        "--static-path-mount", str(config.data_dir / "media" / "images"),
        "--log-level", "warning",
        application,
    ]  # fmt: skip


def serve() -> int:
    """Run granian and the task worker as children; SIGINT, SIGTERM or SIGHUP stops them all."""
    stop = StopSignals()
    config = env.load()
    env.use_settings()
    problem = _listen_problem(config.host, config.port)
    if problem:
        print(f"masthead: {problem}", file=sys.stderr)
        return 1
    (config.data_dir / "media" / "images").mkdir(parents=True, exist_ok=True)
    tree = ProcessTree()
    try:
        return _serve(config, tree, stop)
    finally:
        tree.stop()


def _serve(config: env.Config, tree: ProcessTree, stop: StopSignals) -> int:
    # Pages and fragments rendered by the code that ran before may no longer be right.
    purge = tree.start("the start-up purge", [*MASTHEAD, "purge_pages"], stdout=subprocess.DEVNULL)
    while not tree.has_exited(purge):
        if stop.received:
            return 0
        time.sleep(POLL_SECONDS)
    if tree.finish(purge):
        return purge.returncode

    sandbox = _local_paypal_sandbox(config)
    children_environment = env.child_environment(PAYPAL_API_BASE=sandbox.base_url) if sandbox else None
    worker_says_ready, worker_ready_pipe = os.pipe()
    tree.start("granian", granian_command(config), env=children_environment)
    tree.start(
        "the task worker",
        [*MASTHEAD, "worker", "--ready-fd", str(worker_ready_pipe)],
        pass_fds=[worker_ready_pipe],
        env=children_environment,
    )
    os.close(worker_ready_pipe)
    if _wait_until_ready(config, tree, stop, worker_says_ready):
        print(f"{READY_MESSAGE} http://{config.host}:{config.port}/ (admin at /admin/). Ctrl-C stops it.", flush=True)
        if sandbox:
            print(f"{SANDBOX_MESSAGE} {sandbox.base_url} (demo payments, no money moves).", flush=True)
        while not stop.received and not tree.exited():
            time.sleep(POLL_SECONDS)
    if stop.received:
        return 0
    for name in tree.exited():
        print(f"masthead: {name} stopped unexpectedly; stopping the rest.", file=sys.stderr)
    return 1


def _local_paypal_sandbox(config: env.Config):
    """Masthead's local PayPal sandbox, started when no PayPal credentials are set outside
    production (and PAYPAL_API_BASE names no sandbox of the developer's own), so the demo
    takes donations end to end. It runs in this process as a small threaded server of its
    own, not inside the site's WSGI app: a site worker waiting on a call to itself, while
    its few threads are busy, could deadlock. Its webhooks go to the site over loopback;
    it stops with serve (the daemon thread ends with the process)."""
    if config.paypal is None or not config.paypal.sandbox_local or config.paypal.api_base != env.PAYPAL_NOWHERE:
        return None
    from masthead.paypal_sandbox.server import LocalSandbox

    site_host = "127.0.0.1" if config.host in {"0.0.0.0", "::", ""} else config.host  # noqa: S104 (compared, not bound)
    site = f"[{site_host}]" if ":" in site_host else site_host
    return LocalSandbox(webhook_url=f"http://{site}:{config.port}{PAYPAL_WEBHOOK_PATH}").start()


def _wait_until_ready(config: env.Config, tree: ProcessTree, stop: StopSignals, worker_says_ready: int) -> bool:
    """Ready once the worker's first round of periodic jobs has run (a round may purge
    pages) and granian answers: a page stored from then on stays stored."""
    worker_ready = False
    with open(worker_says_ready, "rb", buffering=0) as worker_says:
        while not stop.received and not tree.exited():
            if not worker_ready and select.select([worker_says], [], [], 0)[0]:
                worker_ready = bool(worker_says.read(64))
            if worker_ready and _answers(config.host, config.port):
                return True
            time.sleep(POLL_SECONDS)
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    try:
        if command == "serve":
            return serve()
        if command == "worker":
            _manage(["run_worker", *argv[1:]])
            return 0
        if command == "import-wordpress":  # the spelling the docs use; Django's is import_wordpress
            _manage(["import_wordpress", *argv[1:]])
            return 0
        _manage(argv)
    except env.ConfigurationError as error:
        print(f"masthead: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
