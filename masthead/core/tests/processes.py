"""Running the `masthead` command as a separate process, as a user or a server would."""

import os
import socket
import subprocess
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
