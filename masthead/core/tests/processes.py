"""Running the `masthead` command as a separate process, as a user or a server would."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
MASTHEAD = [sys.executable, "-m", "masthead.cli"]


def clean_environment(**extra: str) -> dict:
    """This process's environment without any Masthead or Django configuration, plus extra."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DJANGO_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    return {**base, **extra}


def run_masthead(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MASTHEAD, *args],
        cwd=PROJECT,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
    )
