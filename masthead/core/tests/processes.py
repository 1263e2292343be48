"""Running the `masthead` command as a separate process, as a user or a server would."""

import os
import subprocess
import sys
from pathlib import Path

from masthead import env

PROJECT = Path(__file__).resolve().parents[3]
MASTHEAD = [sys.executable, "-m", "masthead.cli"]


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
