"""Running the `masthead` command as a separate process, as a user or a server would, and a
redis-server of the test's own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from masthead import env
from masthead.cli import MASTHEAD

PROJECT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**extra: str) -> dict:
    """This process's environment without any Masthead or Django configuration, plus extra."""
    return {**{key: value for key, value in os.environ.items() if not env.is_configuration(key)}, **extra}


def run_masthead(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MASTHEAD, *args],
        cwd=PROJECT,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


class RedisServer:
    """A redis-server of the test's own on a free port, which the test may stop and start
    again. stop() saves the data first (as a server that is shut down or crashes after its
    last snapshot would have it), so start() brings back what was stored; restart(lose=True)
    comes back empty, as a server without persistence does."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import redis

        executable = shutil.which("redis-server")
        if executable is None:
            from masthead.conftest import service_missing

            service_missing("redis-server is not installed")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self, *, keep_data: bool = True) -> None:
        import redis

        if self.process is None:
            return
        if keep_data:
            redis.Redis(port=self.port).save()
        elif (self.folder / "dump.rdb").exists():
            (self.folder / "dump.rdb").unlink()
        self.process.kill()
        self.process.wait()
        self.process = None

    def restart(self, *, lose: bool) -> None:
        self.stop(keep_data=not lose)
        self.start()
