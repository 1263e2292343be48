"""`masthead serve` runs the site and the worker as one process tree and stops cleanly."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from masthead.core.tests.processes import MASTHEAD, PROJECT, clean_environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, deadline: float) -> int:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except OSError:  # refused while starting up (URLError is an OSError too)
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer in time")


@pytest.mark.timeout_sensitive
def test_serve_answers_and_ctrl_c_stops_server_and_worker(tmp_path):
    port = free_port()
    environment = clean_environment(MASTHEAD_DATA_DIR=str(tmp_path), PORT=str(port), MASTHEAD_ADMIN_PASSWORD="pw-x")
    masthead = MASTHEAD
    subprocess.run(
        [*masthead, "demo", "--migrate"], cwd=PROJECT, env=environment, check=True, capture_output=True, timeout=300
    )

    server = subprocess.Popen([*masthead, "serve"], cwd=PROJECT, env=environment, start_new_session=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/", time.monotonic() + 60) == 200
        assert wait_for(f"http://127.0.0.1:{port}/admin/login/", time.monotonic() + 10) == 200
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2  # granian and the task worker

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
