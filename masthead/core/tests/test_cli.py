"""`masthead serve` runs the site and the worker as one process tree, says when it is
ready, stops all of it on a signal, and refuses to start beside another server."""

import base64
import contextlib
import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from masthead.cli import READY_MESSAGE, SANDBOX_MESSAGE
from masthead.core.tests.processes import MASTHEAD, PROJECT, clean_environment, free_port
from masthead.paypal_sandbox import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET

pytestmark = pytest.mark.timeout_sensitive

ARTICLE = "/analysis/the-long-unravelling-of-kestrias-energy-bargain/"
ARTICLE_KEY = "stale-article"  # a key only the stale page below is stored under


def fetch(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, {name.lower(): value for name, value in response.headers.items()}


def fetch_page(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, {name.lower(): value for name, value in response.headers.items()}, response.read()


reads_proc = pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc (Linux only)")


def descendants(pid: int) -> set[int]:
    """Every process below pid, whichever of its threads started it."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found |= {int(child), *descendants(int(child))}
    return found


def gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" in status.read_text()
    except FileNotFoundError:
        return True


class Serving:
    """`masthead serve` in a session of its own, as a terminal runs it; its output is
    read as it comes."""

    def __init__(self, environment: dict):
        self.process = subprocess.Popen(
            [*MASTHEAD, "serve"],
            cwd=PROJECT,
            env=environment,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for_line(self, start: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.output.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"no line starting {start!r} in {seconds}s; output:\n{''.join(self.output)}")

    def rest_of_output(self) -> str:
        while (line := self._lines.get(timeout=10)) is not None:
            self.output.append(line)
        return "".join(self.output)

    def kill(self) -> None:
        """After a failed test: serve and everything below it, whatever group it is in."""
        if self.process.poll() is None:
            for pid in [*descendants(self.process.pid), self.process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """A data folder with the demo loaded, which each test copies."""
    data = tmp_path_factory.mktemp("demo") / "data"
    environment = clean_environment(MASTHEAD_DATA_DIR=str(data), MASTHEAD_ADMIN_PASSWORD="pw-x")
    subprocess.run(
        [*MASTHEAD, "demo", "--migrate"], cwd=PROJECT, env=environment, check=True, capture_output=True, timeout=300
    )
    return data


def waiting_purges(data: Path) -> int:
    with contextlib.closing(sqlite3.connect(data / "masthead.sqlite3")) as database:
        return database.execute("SELECT count(*) FROM pagecache_pendingpurge").fetchone()[0]


def leave_a_stale_page_and_a_waiting_purge(data: Path, *, key: str = "list-latest") -> None:
    """What a server that ran before may leave: a page its code stored, and a purge that
    failed and waits for the worker."""
    from masthead.pagecache.entry import Entry
    from masthead.pagecache.stores import FileStore

    store = FileStore(data / "pages")
    stale = Entry.build(
        status="200 OK",
        headers=[("Content-Type", "text/html")],
        body=b"<p>Stored by the code before</p>",
        keys=[ARTICLE_KEY],
    )
    assert store.put(ARTICLE, stale, generation=store.generation())
    with contextlib.closing(sqlite3.connect(data / "masthead.sqlite3")) as database, database:
        database.execute(
            "INSERT INTO pagecache_pendingpurge (kind, target, first_failed_at, last_failed_at, attempts,"
            " last_error, next_attempt_at) VALUES ('key', ?, datetime('now'), datetime('now'), 1,"
            " 'ConnectionError()', datetime('now'))",
            (key,),
        )


@pytest.fixture
def site(demo_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    leave_a_stale_page_and_a_waiting_purge(data)
    port = free_port()
    serving = Serving(clean_environment(MASTHEAD_DATA_DIR=str(data), PORT=str(port)))
    yield serving, data, port
    serving.kill()


def test_serve_says_it_is_ready_only_after_the_startup_purge_and_the_workers_first_round(site):
    """Nothing purges pages once serve has said it is ready, so a page stored after that
    stays stored: the start-up purge has removed what the code before stored, the
    worker's first round of periodic jobs (which remembers the chosen ads and retries
    purges left waiting) has run by then, and the server answers."""
    serving, data, port = site
    line = serving.wait_for_line(READY_MESSAGE, 90)

    with contextlib.closing(sqlite3.connect(data / "masthead.sqlite3")) as database:
        assert database.execute("SELECT count(*) FROM ads_chosenads").fetchone() == (1,)
        assert database.execute("SELECT count(*) FROM pagecache_pendingpurge").fetchone() == (0,)
    assert f"http://127.0.0.1:{port}/" in line
    status, headers, body = fetch_page(f"http://127.0.0.1:{port}{ARTICLE}")
    assert (status, headers["x-cache"]) == (200, "miss")
    assert b"Stored by the code before" not in body
    assert fetch(f"http://127.0.0.1:{port}{ARTICLE}")[1]["x-cache"] == "hit"
    assert fetch(f"http://127.0.0.1:{port}/admin/login/")[0] == 200


@reads_proc
def test_serve_without_paypal_credentials_runs_the_local_paypal_sandbox_for_its_workers(site):
    """The demo takes donations end to end: serve starts Masthead's local PayPal sandbox
    on a loopback port of its own, says where, and hands that address to granian's
    workers and the task worker as PAYPAL_API_BASE."""
    serving, _, _ = site
    serving.wait_for_line(READY_MESSAGE, 90)
    line = serving.wait_for_line(SANDBOX_MESSAGE, 10)
    base_url = line.removeprefix(SANDBOX_MESSAGE).split()[0]
    assert base_url.startswith("http://127.0.0.1:")

    request = urllib.request.Request(
        f"{base_url}/v1/oauth2/token",
        data=b"grant_type=client_credentials",
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{LOCAL_CLIENT_ID}:{LOCAL_CLIENT_SECRET}".encode()).decode()
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["token_type"] == "Bearer"

    children = descendants(serving.process.pid)
    environments = [Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") for pid in children]
    given = [environment for environment in environments if f"PAYPAL_API_BASE={base_url}".encode() in environment]
    assert len(given) >= 3  # granian, its two workers and the task worker (and what they started)


def test_a_standalone_worker_retries_a_waiting_purge_and_readers_then_get_the_new_page(demo_data, tmp_path):
    """`masthead worker` alone (as on a server of its own) lands a purge that failed at
    commit: the stale page goes, and the row with it."""
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    leave_a_stale_page_and_a_waiting_purge(data, key=ARTICLE_KEY)
    worker = subprocess.Popen(
        [*MASTHEAD, "worker"],
        cwd=PROJECT,
        env=clean_environment(MASTHEAD_DATA_DIR=str(data)),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while waiting_purges(data) and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert waiting_purges(data) == 0
        assert not (data / "pages" / ARTICLE.strip("/") / "index.html").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


@reads_proc
@pytest.mark.parametrize("to_group", [True, False], ids=["to its process group", "to serve alone"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_whole_process_tree_within_seconds(site, signum, to_group):
    """Ctrl-C in a terminal (SIGINT to the whole process group), SIGTERM from a service
    manager, or either sent to serve alone: granian, its workers and the task worker all
    stop within a few seconds, nothing answers on the port any more, and the output
    holds no traceback."""
    serving, _, port = site
    serving.wait_for_line(READY_MESSAGE, 90)
    assert fetch(f"http://127.0.0.1:{port}/")[0] == 200
    tree = descendants(serving.process.pid)
    assert len(tree) >= 4  # granian, its two workers, the task worker
    # A terminal's Ctrl-C reaches serve alone: a granian worker that gets SIGINT from the
    # terminal and SIGTERM from granian at once mostly misses both and keeps serving.
    assert [pid for pid in tree if os.getpgid(pid) == serving.process.pid] == []

    if to_group:
        os.killpg(serving.process.pid, signum)
    else:
        serving.process.send_signal(signum)

    assert serving.process.wait(timeout=8) == 0
    assert [pid for pid in tree if not gone(pid)] == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    assert "Traceback" not in serving.rest_of_output()


def test_serve_refuses_to_start_when_its_port_is_taken(tmp_path):
    """Another server on the port (granian binds with SO_REUSEPORT, so a second one
    would otherwise share the port without a word): serve says so and exits non-zero
    before it starts anything."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        environment = clean_environment(MASTHEAD_DATA_DIR=str(tmp_path / "data"), PORT=str(port))
        result = subprocess.run(
            [*MASTHEAD, "serve"], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=30
        )

    assert result.returncode != 0
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert READY_MESSAGE not in result.stdout
