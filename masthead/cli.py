"""The `masthead` command: Django's manage.py plus serve, worker and demo.

masthead serve     the site (granian, 2 workers) and the task worker, one process tree
masthead worker    the task worker and the periodic jobs alone
masthead demo      load the demo content and make sure an admin account exists
masthead <other>   any manage.py command (migrate, createsuperuser, check, ...)
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from masthead import env

SERVER_WORKERS = 2
SHUTDOWN_GRACE_SECONDS = 10


def _manage(argv: list[str]) -> None:
    env.use_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *argv])


def serve() -> int:
    """Run granian and the task worker as children; Ctrl-C or SIGTERM stops both cleanly."""
    config = env.load()
    env.use_settings()
    (config.data_dir / "media" / "images").mkdir(parents=True, exist_ok=True)
    server = [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", config.host,
        "--port", str(config.port),
        "--workers", str(SERVER_WORKERS),
        "--no-reload",
        "--respawn-failed-workers",
        # Two threads a worker: measured best by `make bench` for cache hits and renders alike.
        "--blocking-threads", "2",
        # Image renditions are plain files: granian sends them without entering Python.
        # (Documents stay behind Wagtail's privacy checks at /documents/.)
        "--static-path-route", "/media/images",
        "--static-path-mount", str(config.data_dir / "media" / "images"),
        "--log-level", "warning",
        "masthead.wsgi:application",
    ]  # fmt: skip
    # Pages and fragments rendered by the code that ran before may no longer be right.
    purge = subprocess.run([sys.executable, "-m", "masthead.cli", "purge_pages"], stdout=subprocess.DEVNULL)
    if purge.returncode != 0:
        return purge.returncode
    worker = [sys.executable, "-m", "masthead.cli", "worker"]
    children = [subprocess.Popen(server), subprocess.Popen(worker)]  # noqa: S603 (fixed argv)
    print(
        f"Masthead is serving on http://{config.host}:{config.port}/ (admin at /admin/). Ctrl-C stops it.", flush=True
    )

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
    return 0 if stopping or not failed else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    try:
        if command == "serve":
            return serve()
        if command == "worker":
            _manage(["run_worker", *argv[1:]])
            return 0
        _manage(argv)
    except env.ConfigurationError as error:
        print(f"masthead: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
