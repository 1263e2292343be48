"""`make bench`: Masthead's speed beside nginx serving the same HTML, measured in one run.

For the demo site on the embedded default (SQLite, files), with production settings:

- article uncached (MASTHEAD_PAGE_CACHE=off: fragment caches only),
- article and home from the page cache, served by Masthead itself,
- article through nginx with static publishing (docs/deploy/nginx.conf),
- the reference: nginx serving a saved copy of the same article as a static file,

each with `wrk -t2 -c32` on loopback; plus page weight and each server worker's memory.

Then, on SQLite with generated articles added to the demo (it has too few for these) and
at 100,000 articles on PostgreSQL + Redis:

- cold render: a different article on every request, none rendered before, page cache on
  (each request a miss that renders and stores, as readers meet a purged site),
- reading under writes: readers spread over 1,000 articles, alone and then while
  bench/writer.py edits, approves comments and publishes as a busy newsroom does; the
  same pair with the page cache off.

and, at 100,000 articles only (with the 1,000,000 comments `masthead generate` adds):

- posting comments through the real endpoint, as a browser does: the form fetched once
  for its CSRF cookie and fields, then POST /comments/<id>/post/ asking for JSON, each
  from a new reader (the site's posting limits raised for the one client),
- the thread of the article with the most comments (5,000), the page cache off,
- sitemaps and feeds (bench/discovery.py) and the search page (bench/search.py).

Writes bench/results/latest.{md,json} and chart.svg, and the README's benchmark section.
Then beacon ingestion (bench/beacons.py; alone: `--only beacons`) and newsletter delivery
(bench/newsletter.py; alone: `--only newsletter`), which write their own.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import gzip
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import brotli

from masthead import env
from masthead.cli import READY_MESSAGE

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
ARTICLE = "/analysis/the-long-unravelling-of-kestrias-energy-bargain/"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
NGINX_TURNS = 5
WRITER = ROOT / "bench" / "writer.py"
DISTINCT_ARTICLES = 1_000  # read once each, for worker memory
READERS = 1_000  # the articles readers are spread over while the newsroom writes
CHROME_WARMERS = 8  # articles read before the cold render, so the shared chrome is warm
COLD_ARTICLES = 20_000  # more than a cold render can ask for in COLD_SECONDS
MIN_COLD_ARTICLES = 2_000
COLD_SECONDS = 10
SQLITE_ARTICLES = 20_000
WRITES_SHARE = 0.9  # a writer that did fewer of any kind of write than this share fails the run
COLD_ROW = "cold render: a different article each request, page cache on"


STARTED = time.monotonic()


def log(message: str) -> None:
    minutes, seconds = divmod(int(time.monotonic() - STARTED), 60)
    print(f"[bench {minutes:02}:{seconds:02}] {message}", flush=True)


def ensure_tools() -> None:
    missing = [
        tool for tool in ("wrk", "nginx") if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists()
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"bench needs {' and '.join(missing)}: apt-get install wrk nginx-light (as root)")
    log(f"installing {', '.join(missing)} from Debian's packages")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    packages = ["wrk" if tool == "wrk" else "nginx-light" for tool in missing]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


# wrk's script for readers over a list of addresses: each thread walks the list from its
# own place, and counts what the page cache (X-Cache) and the fragment caches
# (X-Fragments: hits=<n> misses=<m>, on responses Django rendered) answered.
READERS_SCRIPT = """
local paths = {}
for line in io.lines("@PATHS@") do paths[#paths + 1] = line end
local threads = {}
local names = {@COUNTS@}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("start", (#threads - 1) * math.floor(#paths / @THREADS@))
end

function init(args)
  counter = start
  for _, name in ipairs(names) do _G[name] = 0 end
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  local cache, fragments
  for name, value in pairs(headers) do
    local lower = string.lower(name)
    if lower == "x-cache" then cache = value elseif lower == "x-fragments" then fragments = value end
  end
  if cache == "hit" then cache_hits = cache_hits + 1
  elseif cache == "miss" then cache_misses = cache_misses + 1
  else uncached = uncached + 1 end
  -- A stored page keeps the header of the render that stored it: count renders only.
  if fragments and cache ~= "hit" then
    fragment_responses = fragment_responses + 1
    fragment_hits = fragment_hits + (tonumber(string.match(fragments, "hits=(%d+)")) or 0)
    fragment_misses = fragment_misses + (tonumber(string.match(fragments, "misses=(%d+)")) or 0)
  end
end

function done(summary, latency, requests)
  local parts = {}
  for _, name in ipairs(names) do
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get(name) end
    parts[#parts + 1] = name .. "=" .. total
  end
  io.write("@MARKER@ " .. table.concat(parts, " ") .. "\\n")
end
"""
COUNTS = ("cache_hits", "cache_misses", "uncached", "fragment_hits", "fragment_misses", "fragment_responses")
COUNTS_MARKER = "bench-counts"
WRK_THREADS = 2


def readers_script(paths_file: Path) -> str:
    return (
        READERS_SCRIPT.replace("@PATHS@", str(paths_file))
        .replace("@COUNTS@", ", ".join(f'"{name}"' for name in COUNTS))
        .replace("@THREADS@", str(WRK_THREADS))
        .replace("@MARKER@", COUNTS_MARKER)
    )


def parse_counts(output: str) -> dict[str, int]:
    """The totals the readers' script prints when wrk is done."""
    match = re.search(rf"^{COUNTS_MARKER} (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no {COUNTS_MARKER} line:\n{output}")
    counts = {name: int(value) for name, value in (part.split("=") for part in match.group(1).split())}
    if set(counts) != set(COUNTS):
        raise RuntimeError(f"unexpected counts from wrk: {counts}")
    return counts


def hit_ratio(hits: int, misses: int) -> float | None:
    """hits out of hits and misses; None when nothing reported either (no such cache)."""
    return hits / (hits + misses) if hits + misses else None


def wrk(
    url: str,
    *,
    duration: int,
    paths: list[str] | None = None,
    workdir: Path | None = None,
    warm_up: bool = True,
    connections: int = 32,
    script: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict:
    script = list(script or [])
    for name, value in (headers or {}).items():
        script += ["-H", f"{name}: {value}"]
    if paths:
        workdir.mkdir(parents=True, exist_ok=True)
        listing = workdir / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        (workdir / "readers.lua").write_text(readers_script(listing))
        # A render can take long on a busy machine: measure it rather than count it as an error.
        script = ["-s", str(workdir / "readers.lua"), "--timeout", "10s"]
    if warm_up:
        # A short run first, not measured: each server worker fills its memory (routes,
        # fragments, pages) on its first requests, as it does once after each publish.
        subprocess.run(
            ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", "-d2s", *script, url], capture_output=True, check=True
        )
    output = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--latency", *script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output, counted=bool(paths))


def parse_wrk(output: str, *, counted: bool = False) -> dict:
    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    row = {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99"), "errors": errors, "requests": requests}
    if counted:
        row["counts"] = parse_counts(output)
    return row


def worker_memory_mb(serve_pid: int) -> list[float]:
    """RSS of each granian worker (the children of granian's main process)."""

    def children(pid: int) -> list[int]:
        try:
            return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def command(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""

    def rss(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    granian = [pid for pid in children(serve_pid) if "granian" in command(pid)]
    workers = [pid for parent in granian for pid in children(parent)]
    return [round(rss(pid), 1) for pid in workers]


def wait_until_ready(process: subprocess.Popen, seconds: float) -> None:
    """`masthead serve` prints its ready line once its start-up purges are done and it
    answers: pages stored from then on stay stored. Its output is read to the end, so
    that it never waits on a full pipe."""
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            if line.startswith(READY_MESSAGE):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + seconds
    while not ready.wait(0.25):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"masthead serve was not ready within {seconds}s")


@contextlib.contextmanager
def masthead_serve(environment: dict, port: int):
    process = subprocess.Popen(
        [str(BIN / "masthead"), "serve"],
        env={**environment, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until_ready(process, 180)  # a busy machine, and the start-up purge at 100,000 articles
        yield process
    finally:
        stop_serve(process)


def stop_serve(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """Ask serve to stop its tree; if it hangs, kill its group and each child's group
    (serve starts every child as the leader of a session of its own)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for group in [process.pid, *child_pids(process.pid)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        process.wait()


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is pid, read from /proc (bench runs on Linux)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


@contextlib.contextmanager
def nginx(server_block: str, workdir: Path, *, port: int):
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{server_block}
}}
"""
    )
    process = subprocess.Popen([nginx_binary(), "-c", str(config), "-p", str(workdir)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not port_answers(port):
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not listen on port {port} within 30s")
            time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=10)


def wait_for_hit(url: str, *, seconds: float = 60) -> None:
    """Ask until the page cache answers a hit. A page stored once can be purged again by a
    periodic job (scheduled publishing, scheduled ads) between two requests; a measure of
    hits must start once the page is stored for good, not fail at random."""
    deadline = time.monotonic() + seconds
    while True:
        _, headers, _ = fetch(url)
        if headers.get("x-cache") == "hit":
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} was never answered from the page cache in {seconds:.0f}s: {headers}")
        time.sleep(0.2)


def production_environment(*, port: int, data_dir: Path, **extra: str) -> dict:
    """Production settings over plain HTTP on loopback, and nothing from the caller's Masthead setup."""
    environment = {key: value for key, value in os.environ.items() if not env.is_configuration(key)}
    environment.update(
        MASTHEAD_ENV="production",
        SECRET_KEY="bench-only-" + "k" * 50,
        SITE_URL=f"http://127.0.0.1:{port}",
        MASTHEAD_DATA_DIR=str(data_dir),
        **extra,
    )
    return environment


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests/s, with how many turns there were."""
    middle = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    return {**middle, "turns": len(runs)}


def drain_tasks(environment: dict) -> None:
    """Run the tasks that loading content queued (search and reference indexing), so the
    worker that `masthead serve` starts is idle while wrk runs, as between publishes."""
    subprocess.run(
        [str(BIN / "masthead"), "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "-v", "0"],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def page_weight(base: str, path: str) -> dict:
    _, _, html = fetch(base + path)
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    parts = [html] + [fetch(base + asset.decode())[2] for asset in assets]
    return {
        "raw_kb": round(sum(len(p) for p in parts) / 1024, 1),
        "gzip_kb": round(sum(len(gzip.compress(p, 9)) for p in parts) / 1024, 1),
        "brotli_kb": round(sum(len(brotli.compress(p, quality=11)) for p in parts) / 1024, 1),
    }


def run_demo_size(duration: int, workdir: Path, *, nginx_turns: int) -> dict:
    data = workdir / "data"
    port = free_port()
    environment = production_environment(port=port, data_dir=data)
    log("loading the demo site and collecting static files (production settings)")
    subprocess.run(
        [str(BIN / "masthead"), "demo", "--migrate", "--no-admin"],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([str(BIN / "masthead"), "collectstatic", "--noinput", "-v", "0"], env=environment, check=True)
    drain_tasks(environment)
    base = f"http://127.0.0.1:{port}"
    rows, memory, weights = {}, {}, {}

    log("page cache on: article and home from Masthead's own page cache")
    with masthead_serve(environment, port) as server:
        for path in (ARTICLE, "/"):
            wait_for_hit(base + path)
        rows["article, page cache"] = wrk(base + ARTICLE, duration=duration)
        rows["home, page cache"] = wrk(base + "/", duration=duration)
        memory["page cache on"] = worker_memory_mb(server.pid)
        weights = {"article": page_weight(base, ARTICLE), "home": page_weight(base, "/")}
        article_copy = fetch(base + ARTICLE)[2]

    log("page cache off: every article request rendered by Django")
    with masthead_serve({**environment, "MASTHEAD_PAGE_CACHE": "off"}, port) as server:
        _, headers, _ = fetch(base + ARTICLE)
        assert "x-cache" not in headers, headers
        rows["article, uncached"] = wrk(base + ARTICLE, duration=duration)
        memory["page cache off"] = worker_memory_mb(server.pid)

    log("static publishing: nginx serves the published file, Masthead the rest")
    published = data / "published"
    nginx_port = free_port()
    server_block = (ROOT / "docs" / "deploy" / "nginx.conf").read_text()
    for placeholder, value in {
        "@LISTEN@": f"127.0.0.1:{nginx_port}",
        "@HTTP_LISTEN@": f"127.0.0.1:{free_port()}",
        "@SERVER_NAME@": "127.0.0.1",
        "@PUBLISHED@": str(published),
        "@STATIC@": str(data / "static"),
        "@MEDIA@": str(data / "media"),
        "@UPSTREAM@": f"127.0.0.1:{port}",
    }.items():
        server_block = server_block.replace(placeholder, value)
    log("reference: nginx serving a saved copy of the same article, measured in turns with the above")
    reference_root = workdir / "reference"
    reference_root.mkdir(parents=True, exist_ok=True)
    (reference_root / "article.html").write_bytes(article_copy)
    reference_port = free_port()
    block = (ROOT / "bench" / "nginx-reference.conf").read_text()
    block = block.replace("@LISTEN@", f"127.0.0.1:{reference_port}").replace("@ROOT@", str(reference_root))
    with (
        masthead_serve({**environment, "MASTHEAD_STATIC_PUBLISH_DIR": str(published)}, port),
        nginx(server_block, workdir / "nginx-published", port=nginx_port),
        nginx(block, workdir / "nginx-reference", port=reference_port),
    ):
        front = f"http://127.0.0.1:{nginx_port}"
        # The first request is a miss: Masthead renders, stores and publishes the file, and
        # nginx sends it from then on (unless a periodic purge deleted it again: ask again).
        deadline = time.monotonic() + 60
        while "x-cache" in fetch(front + ARTICLE)[1]:
            if time.monotonic() > deadline:
                raise RuntimeError("nginx never served the published article: it went to Masthead each time")
            time.sleep(0.2)
        # Two servers this close are within the machine's noise (about ±5% from run to
        # run), so they take turns, and each row is the median of its turns.
        turns = {"published": [], "reference": []}
        for _ in range(nginx_turns):
            turns["published"].append(wrk(front + ARTICLE, duration=duration))
            turns["reference"].append(wrk(f"http://127.0.0.1:{reference_port}/article", duration=duration))
        rows["article, static publishing (nginx)"] = median_run(turns["published"])
        reference = rows["reference: nginx, static file"] = median_run(turns["reference"])

    for row in rows.values():
        row["ratio_to_nginx"] = round(row["rps"] / reference["rps"], 3)
    return {"rows": rows, "worker_memory_mb": memory, "page_weight_kb": weights, "article_bytes": len(article_copy)}


def postgres_server_url() -> str:
    return os.environ.get("MASTHEAD_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def redis_url(redis_db: int) -> str:
    return f"redis://127.0.0.1:6379/{redis_db}"


def check_large_services(redis_db: int) -> None:
    """Before the demo's rows: a missing PostgreSQL or Redis should not cost their minutes."""
    import psycopg
    import redis

    try:
        psycopg.connect(postgres_server_url(), connect_timeout=5).close()
        redis.Redis.from_url(redis_url(redis_db), socket_connect_timeout=5).ping()
    except (psycopg.Error, redis.RedisError) as error:
        sys.exit(f"bench: the large run needs PostgreSQL and Redis ({error}); --large-articles 0 skips it")


def run_large(duration: int, workdir: Path, *, articles: int, database: str, redis_db: int) -> dict:
    """The same measures at 100,000 articles on PostgreSQL and Redis (scale-out mode)."""
    import discovery  # bench/discovery.py: sitemaps and feeds
    import psycopg
    import redis
    import search  # bench/search.py: the search page

    server_url = postgres_server_url()
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    redis.Redis.from_url(redis_url(redis_db)).flushdb()
    port = free_port()
    environment = production_environment(
        port=port,
        data_dir=workdir / "large",
        DATABASE_URL=server_url.rsplit("/", 1)[0] + "/" + database,
        REDIS_URL=redis_url(redis_db),
    )
    log(f"loading the demo and generating {articles:,} articles on PostgreSQL (a few minutes)")
    masthead = str(BIN / "masthead")
    subprocess.run(
        [masthead, "demo", "--migrate", "--no-admin"], env=environment, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run(
        [masthead, "generate", "--articles", str(articles)], env=environment, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([masthead, "collectstatic", "--noinput", "-v", "0"], env=environment, check=True)
    newsletter_schedules_off(environment)
    drain_tasks(environment)
    audience = audience_timings(environment)
    picked = pick_articles(environment, workdir, memory=DISTINCT_ARTICLES)
    busiest = comment_limits_raise(environment)
    base = f"http://127.0.0.1:{port}"
    rows, memory, comment_rows = {}, {}, {}
    with masthead_serve(environment, port) as server:
        for path in (ARTICLE, "/"):
            wait_for_hit(base + path)
        rows["article, page cache (Redis)"] = wrk(base + ARTICLE, duration=duration)
        rows["home, page cache (Redis)"] = wrk(base + "/", duration=duration)
        memory["page cache on"] = worker_memory_mb(server.pid)
        page_ids = [pk for pk, _ in picked.readers if pk != busiest["busiest"]]
        log(f"posting comments over {len(page_ids):,} articles through POST /comments/<id>/post/")
        comment_rows[POSTING_ROW] = post_comments(base, page_ids, duration=duration, workdir=workdir / "posting")
        log("sitemaps and feeds from the page cache")
        targets = discovery.paths(base)
        found = {"cached": discovery.timings(base, targets, samples=discovery.CACHED_SAMPLES)}
        log(f"site search: {search.SAMPLES} queries readers type, one after another")
        searched = search.timings(base, search.queries(environment["DATABASE_URL"]))
    with masthead_serve({**environment, "MASTHEAD_PAGE_CACHE": "off"}, port) as server:
        log("sitemaps and feeds, page cache off")
        found["uncached"] = discovery.timings(base, targets, samples=discovery.UNCACHED_SAMPLES)
        fetch(base + ARTICLE)
        rows["article, uncached"] = wrk(base + ARTICLE, duration=duration)
        memory["page cache off"] = worker_memory_mb(server.pid)
        log(f"the thread of the busiest article ({busiest['comments']:,} comments), page cache off")
        comment_rows[THREAD_ROW] = read_thread(base, busiest, duration=duration)
        # Worker memory keeps what readers read (routes, fragments): read many articles.
        paths = [path for _, path in picked.memory]
        log(f"reading {len(paths):,} different articles, page cache off")
        read_each(base, paths)
        memory[f"page cache off, after {len(paths):,} different articles"] = worker_memory_mb(server.pid)
    new_rows = run_cold_and_writes(environment, port, duration=duration, workdir=workdir, picked=picked)
    return {
        "rows": rows,
        "new_rows": new_rows,
        "comment_rows": comment_rows,
        "worker_memory_mb": memory,
        "articles": articles,
        "audience": audience,
        "discovery": found,
        "search": searched,
    }


POSTING_ROW = "posting comments: POST /comments/<id>/post/"
THREAD_ROW = "thread of the busiest article, uncached"
THREAD_CONNECTIONS = 4  # a reader's wait for the thread, not a queue behind 32 others
# wrk's script for posting: the form's fields (CSRF token, issue time) and the CSRF cookie
# fetched once, as a browser does; then each request a new reader's comment on the next
# article of the list, asking for JSON as the page's script does.
POSTING_SCRIPT = """
local pages = {@PAGES@}
local threads = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Cookie"] = "@COOKIE@"

function setup(thread)
  threads = threads + 1
  thread:set("prefix", tostring(threads))
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local n = prefix .. "x" .. counter
  local body = "@FIXED@&name=Bench+reader+" .. n .. "&email=bench-" .. n .. "%40example.org"
    .. "&body=Comment+" .. n .. "%3A+the+figures+in+the+third+paragraph+do+not+add+up."
  return wrk.format(nil, pages[(counter % #pages) + 1], nil, body)
end
"""


def newsletter_schedules_off(environment: dict) -> None:
    """No digest to the generated subscribers while readers are measured (bench/writer.py
    quiet): at 100,000 articles one started mid-run and its sends, to no mail server,
    took the worker's time (2026-12-06: reading with the page cache off under the writer
    fell to a third of reading alone)."""
    subprocess.run([sys.executable, str(WRITER), "quiet"], env=environment, check=True, stdout=subprocess.DEVNULL)


def comment_limits_raise(environment: dict) -> dict:
    """Raise the site's posting limits (one client posts hundreds a second) and find the
    busiest thread, in the bench's database."""
    output = subprocess.run(
        [sys.executable, str(WRITER), "comments"], env=environment, check=True, capture_output=True, text=True
    ).stdout
    busiest = json.loads(output)
    if not busiest:
        raise RuntimeError("the generated site has no comments: `masthead generate` should have added them")
    return busiest


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the comment form a browser sends back."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) in ("csrfmiddlewaretoken", "issued"):
            fields[name.group(1)] = value.group(1) if value else ""
    if set(fields) != {"csrfmiddlewaretoken", "issued"}:
        raise RuntimeError(f"the comment form has no CSRF token or issue time: {sorted(fields)}")
    return fields


def posting_script(*, paths: list[str], cookie: str, fields: dict[str, str]) -> str:
    fixed = urllib.parse.urlencode({**fields, "parent": "", "url": "", "notify": "", "company": ""})
    return (
        POSTING_SCRIPT.replace("@PAGES@", ", ".join(f'"{path}"' for path in paths))
        .replace("@COOKIE@", cookie)
        .replace("@FIXED@", fixed)
    )


def comment_form(base: str, page_id: int) -> tuple[str, dict[str, str]]:
    """What a browser gets from the form: the CSRF cookie (as a Cookie header) and the fields."""
    with urllib.request.urlopen(f"{base}/comments/{page_id}/form/", timeout=30) as response:
        cookies = [header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or []]
        html = response.read().decode()
    csrf = [cookie for cookie in cookies if cookie.startswith("csrftoken=")]
    if not csrf:
        raise RuntimeError(f"the comment form set no CSRF cookie: {cookies}")
    return "; ".join(csrf), form_fields(html)


def post_comments(base: str, page_ids: list[int], *, duration: int, workdir: Path) -> dict:
    cookie, fields = comment_form(base, page_ids[0])
    paths = [f"/comments/{pk}/post/" for pk in page_ids]
    # One post first, to fail here with the reason rather than with a row of errors.
    body = urllib.parse.urlencode({**fields, "name": "Bench reader", "email": "bench@example.org", "body": "First."})
    request = urllib.request.Request(
        base + paths[0],
        data=body.encode(),
        headers={"Cookie": cookie, "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read()
    if status != 201:
        raise RuntimeError(f"posting a comment answered {status}: {answer[:500]!r}")
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / "posting.lua"
    script.write_text(posting_script(paths=paths, cookie=cookie, fields=fields))
    row = wrk(base, duration=duration, script=["-s", str(script), "--timeout", "10s"])
    row["note"] = (
        "limits raised in the bench database's CommentSettings (posts per address per minute and per email "
        "per hour 32,767, 0 s before a form may be sent); each post from a new address, so held for review"
    )
    return row


def read_thread(base: str, busiest: dict, *, duration: int) -> dict:
    path = f"/comments/{busiest['busiest']}/"
    status, _, _ = fetch(base + path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    row = wrk(base + path, duration=duration, connections=THREAD_CONNECTIONS)
    row["note"] = (
        f"GET {path} ({busiest['comments']:,} comments: the first 20 top-level ones and their replies), "
        f"MASTHEAD_PAGE_CACHE=off, wrk -c{THREAD_CONNECTIONS}"
    )
    return row


AUDIENCE_GOAL_MS = 500


def audience_timings(environment: dict) -> dict:
    """The audience dashboard's pages, signed in as an editor, rendered in the bench's
    data (`masthead audience_timings`, which also runs alone on any site)."""
    log("timing the audience dashboard's pages")
    finished = subprocess.run(
        [str(BIN / "masthead"), "audience_timings"], env=environment, check=True, capture_output=True, text=True
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def audience_table(title: str, timings: dict) -> list[str]:
    lines = [
        f"| audience dashboard, {title} | first ms | median ms | slowest ms | goal |",
        "|---|---:|---:|---:|---|",
    ]
    for name, row in timings.items():
        if "median_ms" not in row:  # the worker's job: no goal, shown for what it costs
            lines.append(f"| {name} | {row['ms']:.0f} | | | |")
            continue
        met = "✓" if max(row["first_ms"], row["max_ms"]) < AUDIENCE_GOAL_MS else "✗"
        lines.append(
            f"| {name} | {row['first_ms']:.0f} | {row['median_ms']:.0f} | {row['max_ms']:.0f} "
            f"| < {AUDIENCE_GOAL_MS} ms {met} |"
        )
    return lines


def run_sqlite_generated(duration: int, workdir: Path, *, articles: int) -> dict:
    """Cold render and reading under writes on the embedded default. The demo has too few
    articles for either (a cold render needs a new one for every request, the readers
    1,000), so generated articles join the demo's in its data folder, after the demo's
    own rows are measured."""
    data = workdir / "data"
    port = free_port()
    environment = production_environment(port=port, data_dir=data)
    log(f"adding {articles:,} generated articles to the demo (SQLite)")
    subprocess.run(
        [str(BIN / "masthead"), "generate", "--articles", str(articles)],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    newsletter_schedules_off(environment)
    drain_tasks(environment)
    audience = audience_timings(environment)
    picked = pick_articles(environment, workdir)
    new_rows = run_cold_and_writes(environment, port, duration=duration, workdir=workdir, picked=picked)
    return {"new_rows": new_rows, "articles": articles, "audience": audience}


class Picked(NamedTuple):
    """Disjoint sets of live articles, so that no row reads what another one warmed."""

    readers: list[tuple[int, str]]
    chrome: list[str]
    cold: list[str]
    memory: list[tuple[int, str]]


def pick_articles(environment: dict, workdir: Path, *, memory: int = 0) -> Picked:
    listing = subprocess.run(
        [sys.executable, str(WRITER), "articles", "--count", str(READERS + CHROME_WARMERS + memory + COLD_ARTICLES)],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    articles = [(pk, path) for pk, path in json.loads(listing) if path != ARTICLE]
    readers, rest = articles[:READERS], articles[READERS:]
    chrome, rest = rest[:CHROME_WARMERS], rest[CHROME_WARMERS:]
    memory_set, rest = rest[:memory], rest[memory:]
    if len(readers) < READERS or len(rest) < MIN_COLD_ARTICLES:
        raise RuntimeError(f"only {len(articles):,} live articles: too few for the cold render and the readers")
    return Picked(readers, [path for _, path in chrome], [path for _, path in rest], memory_set)


def read_each(base: str, paths: list[str]) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda path: fetch(base + path)[0], paths))
    if statuses.count(200) != len(paths):
        raise RuntimeError(f"{len(paths) - statuses.count(200)} of {len(paths)} articles did not answer 200")


def run_cold_and_writes(environment: dict, port: int, *, duration: int, workdir: Path, picked: Picked) -> dict:
    base = f"http://127.0.0.1:{port}"
    rows = {}
    reader_paths = [path for _, path in picked.readers]
    listing = workdir / "readers.json"
    listing.write_text(json.dumps(picked.readers))
    with masthead_serve(environment, port):
        # The pages around an article (home, section chrome, header, footer) are warm, as
        # they stay once purges are precise; the articles themselves were never rendered.
        read_each(base, ["/", *picked.chrome])
        log(f"cold render: a different article on every request, {len(picked.cold):,} never rendered")
        row = wrk(
            base, duration=min(duration, COLD_SECONDS), paths=picked.cold, workdir=workdir / "cold", warm_up=False
        )
        if row["counts"]["cache_hits"]:
            raise RuntimeError("the cold render met pages already stored: give it more articles")
        rows[COLD_ROW] = row
        rows.update(reading_pair(environment, base, "page cache on", duration, workdir, reader_paths, listing))
    with masthead_serve({**environment, "MASTHEAD_PAGE_CACHE": "off"}, port):
        rows.update(reading_pair(environment, base, "page cache off", duration, workdir, reader_paths, listing))
    return rows


def reading_pair(
    environment: dict, base: str, cache: str, duration: int, workdir: Path, paths: list[str], listing: Path
) -> dict:
    """The same readers twice, back to back: alone, then while the newsroom writes."""
    log(f"readers over {len(paths):,} articles, {cache}: alone, then with the writer")
    read_each(base, paths)
    readers = workdir / "readers"
    readers.mkdir(exist_ok=True)
    alone = wrk(base, duration=duration, paths=paths, workdir=readers)
    log_file = workdir / "writer.log"
    with log_file.open("w") as log_output:
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), "write", "--duration", str(duration), "--articles", str(listing)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log_output,
            text=True,
        )
    try:
        if writer.stdout.readline().strip() != "ready":
            writer.wait()
            raise RuntimeError(f"the writer did not start:\n{log_file.read_text()}")
        written = wrk(base, duration=duration, paths=paths, workdir=readers, warm_up=False)
        output = writer.communicate(timeout=duration + 120)[0]
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    if writer.returncode != 0:
        raise RuntimeError(f"the writer failed:\n{log_file.read_text()}")
    written["writes"] = json.loads(output.strip().splitlines()[-1])
    short = writes_shortfall(written["writes"])
    if short:
        raise RuntimeError(
            f"the writer fell behind ({', '.join(short)}): the readers did not read under the writes asked for"
        )
    return {f"readers, {cache}, alone": alone, f"readers, {cache}, with the writer": written}


def writes_shortfall(writes: dict, *, share: float = WRITES_SHARE) -> list[str]:
    """Each kind of write the writer did far fewer of than it was asked ("3 of 20 edits")."""
    return [
        f"{writes['done'][kind]} of {planned} {kind}"
        for kind, planned in writes["planned"].items()
        if writes["done"][kind] < share * planned
    ]


class Goal(NamedTuple):
    text: str
    min_rps: float = 0
    max_p99_ms: float = math.inf
    share_of: str = ""  # a row of the same table whose requests/s this row must keep a share of
    min_share: float = 0

    def met(self, row: dict, rows: dict) -> bool:
        met = row["rps"] >= self.min_rps and row["p99_ms"] < self.max_p99_ms
        if self.share_of:
            met = met and row["rps"] >= self.min_share * rows[self.share_of]["rps"]
        return met


GOALS = {
    "article, uncached": Goal("≥ 1,000 req/s, p99 < 50 ms", min_rps=1_000, max_p99_ms=50),
    "article, page cache": Goal("≥ 10,000 req/s", min_rps=10_000),
    "home, page cache": Goal("≥ 10,000 req/s", min_rps=10_000),
    "article, static publishing (nginx)": Goal(
        "≥ 90% of nginx", share_of="reference: nginx, static file", min_share=0.9
    ),
    "readers, page cache on, with the writer": Goal(
        "≥ 80% of alone, p99 < 50 ms", max_p99_ms=50, share_of="readers, page cache on, alone", min_share=0.8
    ),
    "readers, page cache off, with the writer": Goal(
        "≥ 50% of alone", share_of="readers, page cache off, alone", min_share=0.5
    ),
}
# Set for 100,000 articles on PostgreSQL: stock Wagtail's figure on this machine for one
# article rendered again and again.
LARGE_GOALS = {COLD_ROW: Goal("≥ 350 req/s, p99 < 100 ms", min_rps=350, max_p99_ms=100)}
MEMORY_GOAL_MB = 150
COMMENT_GOALS = {
    POSTING_ROW: Goal("≥ 200 comments/s", min_rps=200),
    THREAD_ROW: Goal("p99 < 50 ms", max_p99_ms=50),
}


def goal_cell(goal: Goal | None, row: dict, rows: dict) -> str:
    if goal is None:
        return ""
    return f"{goal.text} {'✓' if goal.met(row, rows) else '✗'}"


def percent(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.1%}"


def new_rows_table(title: str, rows: dict, goals: dict) -> list[str]:
    lines = [
        f"| {title} | requests/s | p50 ms | p99 ms | errors | page-cache hits | fragment hits "
        "| writes: edits / approvals / publishes (writer's CPU) | goal |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, row in rows.items():
        counts = row["counts"]
        writes = row.get("writes", {}).get("done")
        cpu_share = row.get("writes", {}).get("cpu_share")
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
            f"| {percent(hit_ratio(counts['cache_hits'], counts['cache_misses']))} "
            f"| {percent(hit_ratio(counts['fragment_hits'], counts['fragment_misses']))} "
            f"| {'{edits} / {approvals} / {publishes}'.format(**writes) if writes else ''}"
            f"{f' ({cpu_share:.0%} of a core)' if cpu_share is not None else ''} "
            f"| {goal_cell(goals.get(name), row, rows)} |"
        )
    return lines


def comment_rows_table(large: dict) -> list[str]:
    rows = large["comment_rows"]
    lines = [
        f"| {large['articles']:,} articles and their comments, PostgreSQL + Redis | requests/s | p50 ms | p99 ms "
        "| errors | goal | how |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
            f"| {goal_cell(COMMENT_GOALS.get(name), row, rows)} | {row.get('note', '')} |"
        )
    return lines


def markdown(result: dict) -> str:
    memory_goal = f"< {MEMORY_GOAL_MB} MB each"

    def memory_cell(values: list[float]) -> str:
        return f"{memory_goal} {'✓' if all(value < MEMORY_GOAL_MB for value in values) else '✗'}"

    lines = [
        f"Measured {result['when']} on {result['machine']}, `wrk -t2 -c32 -d{result['duration']}s` on loopback "
        "(wrk shares the cores), uncompressed responses, each after a 2 s warm-up. The static-publishing "
        f"row and the nginx reference take {result['nginx_turns']} turns each; their rows are the median turn. "
        "✓ marks a goal met, ✗ one missed.",
        "",
        "| demo size, SQLite | requests/s | p50 ms | p99 ms | errors | × nginx | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    demo_rows = result["demo"]["rows"]
    for name, row in demo_rows.items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
            f"| {row['ratio_to_nginx']:.3f} | {goal_cell(GOALS.get(name), row, demo_rows)} |"
        )
    weights = result["demo"]["page_weight_kb"]
    lines += ["", "| page weight (HTML + CSS + JS) | raw KB | gzip KB | brotli KB |", "|---|---:|---:|---:|"]
    for name, weight in weights.items():
        lines.append(f"| {name} | {weight['raw_kb']} | {weight['gzip_kb']} | {weight['brotli_kb']} |")
    lines += ["", "| server workers' memory (RSS, MB) | per worker |", "|---|---|"]
    for name, values in result["demo"]["worker_memory_mb"].items():
        lines.append(f"| {name} | {', '.join(str(v) for v in values)} |")
    lines += [
        "",
        f"**Cold render and reading under writes.** Cold render: wrk asks for a different article on every "
        f"request for {result['cold_seconds']} s, none rendered before (home and a few other articles are read "
        "first, so the shared chrome is warm), with the page cache on: each request is a miss that renders "
        f"and stores. Readers: wrk spread over {READERS:,} articles, all stored first, for {result['duration']} s "
        "alone, then as long again while `bench/writer.py` edits one of those articles each second (a new "
        "revision, published), approves five pending comments on them each second (through the comment services, "
        "as a moderator does: each approval purges that article's thread) and "
        "publishes a new article every 30 seconds; then the same pair with `MASTHEAD_PAGE_CACHE=off`. "
        "Page-cache hits count `X-Cache`; fragment hits add up the `X-Fragments` header of the responses "
        "Django rendered (n/a: none had it). The writes column is what the writer did; a writer that did "
        f"less than {WRITES_SHARE:.0%} of any kind fails the run.",
    ]
    sqlite = result.get("sqlite")
    if isinstance(sqlite, str):
        lines += ["", f"On SQLite: {sqlite}"]
    elif sqlite:
        title = f"SQLite: the demo + {sqlite['articles']:,} generated articles"
        lines += ["", *new_rows_table(title, sqlite["new_rows"], GOALS)]
        if sqlite.get("audience"):
            lines += ["", *audience_table(title, sqlite["audience"])]
    large = result["large"]
    if isinstance(large, str):
        lines += ["", f"At 100,000 articles on PostgreSQL + Redis: {large}"]
    else:
        lines += [
            "",
            f"| {large['articles']:,} articles, PostgreSQL + Redis | requests/s | p50 ms | p99 ms | errors | × nginx | goal |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        reference_rps = demo_rows["reference: nginx, static file"]["rps"]
        for name, row in large["rows"].items():
            goal = GOALS.get(name.replace(" (Redis)", ""))
            lines.append(
                f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
                f"| {row['rps'] / reference_rps:.3f} | {goal_cell(goal, row, large['rows'])} |"
            )
        for name, values in large["worker_memory_mb"].items():
            lines.append(
                f"| workers' memory, {name} (MB) | {', '.join(str(v) for v in values)} | | | | | {memory_cell(values)} |"
            )
        title = f"{large['articles']:,} articles, PostgreSQL + Redis"
        lines += ["", *new_rows_table(title, large["new_rows"], {**GOALS, **LARGE_GOALS})]
        if large.get("comment_rows"):
            lines += ["", *comment_rows_table(large)]
        if large.get("audience"):
            lines += ["", *audience_table(title, large["audience"])]
        if large.get("discovery"):
            import discovery

            lines += ["", *discovery.table(title, large["discovery"])]
        if large.get("search"):
            import search

            lines += ["", *search.table(title, large["search"])]
    return "\n".join(lines) + "\n"


def chart_svg(result: dict) -> str:
    rows = result["demo"]["rows"]
    top = max(row["rps"] for row in rows.values())
    bar_height, gap, label_width, width = 26, 12, 290, 900
    height = len(rows) * (bar_height + gap) + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="10" y="22" font-size="15" font-weight="bold">Requests per second, demo article (wrk -t2 -c32, {result["when"][:10]})</text>',
    ]
    for index, (name, row) in enumerate(rows.items()):
        y = 40 + index * (bar_height + gap)
        length = max(2, (width - label_width - 110) * row["rps"] / top)
        colour = "#777" if name.startswith("reference") else "#a4161a"
        parts += [
            f'<text x="10" y="{y + 18}">{name}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + 18}">{row["rps"]:,.0f}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text:
        return
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    readme.write_text(f"{before}{README_START}\n{table}{README_END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5 s runs, one nginx turn, 5,000 generated articles on SQLite: to try the bench, not to quote it",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", "0")) or None,
        help="seconds of each wrk run (default 20, 5 with --quick; or BENCH_DURATION)",
    )
    parser.add_argument(
        "--sqlite-articles",
        type=int,
        default=None,
        help=f"articles generated beside the demo's for the SQLite cold render and readers "
        f"(default {SQLITE_ARTICLES:,}); 0 skips them",
    )
    parser.add_argument(
        "--large-articles",
        type=int,
        default=int(os.environ.get("BENCH_LARGE_ARTICLES", "100000")),
        help="articles for the PostgreSQL + Redis run; 0 skips it",
    )
    parser.add_argument(
        "--database-name", default="masthead_bench", help="PostgreSQL database the large run drops and fills"
    )
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database the large run empties and uses")
    parser.add_argument(
        "--only",
        choices=["beacons", "newsletter"],
        help="run one part alone: `beacons` (or `newsletter`) writes bench/results/beacons.* (newsletter.*) "
        "and its own README block",
    )
    arguments = parser.parse_args()
    duration = arguments.duration or (5 if arguments.quick else 20)
    if arguments.only == "beacons":
        run_beacons_alone(duration)
        return
    if arguments.only == "newsletter":
        run_newsletter_alone(quick=arguments.quick)
        return
    nginx_turns = 1 if arguments.quick else NGINX_TURNS
    sqlite_articles = arguments.sqlite_articles
    if sqlite_articles is None:
        sqlite_articles = 5_000 if arguments.quick else SQLITE_ARTICLES
    ensure_tools()
    if arguments.large_articles:
        check_large_services(arguments.redis_db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as temporary:
        os.chmod(temporary, 0o755)  # nginx's workers run as an unprivileged user
        demo = run_demo_size(duration, Path(temporary), nginx_turns=nginx_turns)
        sqlite = (
            run_sqlite_generated(duration, Path(temporary), articles=sqlite_articles)
            if sqlite_articles
            else "skipped (--sqlite-articles 0)."
        )
        large = (
            run_large(
                duration,
                Path(temporary),
                articles=arguments.large_articles,
                database=arguments.database_name,
                redis_db=arguments.redis_db,
            )
            if arguments.large_articles
            else "skipped (--large-articles 0)."
        )
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform_memory()}",
        "duration": duration,
        "cold_seconds": min(duration, COLD_SECONDS),
        "nginx_turns": nginx_turns,
        "demo": demo,
        "sqlite": sqlite,
        "large": large,
    }
    table = markdown(result)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(table)
    (RESULTS / "chart.svg").write_text(chart_svg(result))
    update_readme(table)
    print(table)
    run_beacons_alone(duration)
    run_newsletter_alone(quick=arguments.quick)
    log("done")


def run_beacons_alone(duration: int) -> None:
    """Beacon ingestion (bench/beacons.py), with its own results and README block."""
    import beacons

    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="masthead-bench-beacons-") as temporary:
        os.chmod(temporary, 0o755)  # nginx's workers run as an unprivileged user
        beacons.main(duration, Path(temporary))


def run_newsletter_alone(*, quick: bool = False) -> None:
    """Newsletter delivery (bench/newsletter.py), with its own results and README block."""
    import newsletter

    with tempfile.TemporaryDirectory(prefix="masthead-bench-newsletter-") as temporary:
        newsletter.main(Path(temporary), sizes=(1_000, 10_000) if quick else newsletter.SIZES)


def platform_memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown memory"


if __name__ == "__main__":
    main()
