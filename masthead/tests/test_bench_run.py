"""bench/run.py's handling of the server it starts (bench is a script, loaded by path)."""

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time

import pytest

from masthead.core.tests.processes import PROJECT

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="bench finds serve's children in /proc (Linux)")

# A serve that hangs: it ignores SIGINT and SIGTERM, and its child, like serve's, leads a
# session of its own and ignores them too. It prints the child's pid, then waits.
HANGING_SERVE = """
import signal, subprocess, sys, time
ignore = "import signal, time; [signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)]; time.sleep(600)"
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", ignore], start_new_session=True)
print(child.pid, flush=True)
time.sleep(600)
"""


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", PROJECT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_serve_that_does_not_stop_is_killed_with_its_whole_tree():
    """When serve does not stop within the timeout, bench kills it and every child's
    group (each child leads a session of its own), so nothing keeps the port."""
    bench = load_bench()
    serve = subprocess.Popen(
        [sys.executable, "-c", HANGING_SERVE], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    child = int(serve.stdout.readline())
    try:
        bench.stop_serve(serve, timeout=1)

        assert serve.returncode is not None
        deadline = time.monotonic() + 5
        while is_running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not is_running(child)
    finally:
        for pid in (serve.pid, child):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        serve.wait()
