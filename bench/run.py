"""`make bench`: Masthead's speed beside nginx serving the same HTML, measured in one run.

For the demo site on the embedded default (SQLite, files), with production settings:

- article uncached (MASTHEAD_PAGE_CACHE=off: fragment caches only),
- article and home from the page cache, served by Masthead itself,
- article through nginx with static publishing (docs/deploy/nginx.conf),
- the reference: nginx serving a saved copy of the same article as a static file,

each with `wrk -t2 -c32` on loopback; plus page weight and each server worker's memory.
Writes bench/results/latest.{md,json} and chart.svg, and the README's benchmark section.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import gzip
import json
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
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import brotli

from masthead import env
from masthead.cli import READY_MESSAGE

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
ARTICLE = "/analysis/the-long-unravelling-of-kestrias-energy-bargain/"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
NGINX_TURNS = 5
DISTINCT_ARTICLES = 1_000
SCATTERED_ARTICLES = 20_000


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


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


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


# wrk's script for a list of addresses: each thread walks the list from its own place.
PATHS_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local threads = 0
function setup(thread) threads = threads + 1; thread:set("start", threads * math.floor(#paths / 2)) end
function init(args) counter = start or 0 end
function request() counter = counter + 1; return wrk.format("GET", paths[(counter %% #paths) + 1]) end
"""


def wrk(url: str, *, duration: int, paths: list[str] | None = None, workdir: Path | None = None) -> dict:
    script = []
    if paths:  # every request a different address, and no warm-up: the first visits are the point
        listing = workdir / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        (workdir / "paths.lua").write_text(PATHS_SCRIPT % listing)
        script = ["-s", str(workdir / "paths.lua")]
    else:
        # A short run first, not measured: each server worker fills its memory (routes,
        # fragments, pages) on its first requests, as it does once after each publish.
        subprocess.run(["wrk", "-t2", "-c32", "-d2s", url], capture_output=True, check=True)
    output = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", *script, url], capture_output=True, text=True, check=True
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99"), "errors": errors}


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
        wait_until_ready(process, 90)
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
def nginx(server_block: str, workdir: Path):
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
        time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=10)


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


def run_demo_size(duration: int, workdir: Path) -> dict:
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
            fetch(base + path)
            _, headers, _ = fetch(base + path)
            assert headers.get("x-cache") == "hit", headers
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
        nginx(server_block, workdir / "nginx-published"),
        nginx(block, workdir / "nginx-reference"),
    ):
        front = f"http://127.0.0.1:{nginx_port}"
        fetch(front + ARTICLE)  # a miss: Masthead renders, stores and publishes the file
        assert (published / ARTICLE.strip("/") / "index.html").exists(), "the article was not published"
        _, headers, _ = fetch(front + ARTICLE)
        assert "x-cache" not in headers, "nginx passed the published article to Masthead"
        # Two servers this close are within the machine's noise (about ±5% from run to
        # run), so they take turns, and each row is the median of its turns.
        turns = {"published": [], "reference": []}
        for _ in range(NGINX_TURNS):
            turns["published"].append(wrk(front + ARTICLE, duration=duration))
            turns["reference"].append(wrk(f"http://127.0.0.1:{reference_port}/article", duration=duration))
        rows["article, static publishing (nginx)"] = median_run(turns["published"])
        reference = rows["reference: nginx, static file"] = median_run(turns["reference"])

    for row in rows.values():
        row["ratio_to_nginx"] = round(row["rps"] / reference["rps"], 3)
    return {"rows": rows, "worker_memory_mb": memory, "page_weight_kb": weights, "article_bytes": len(article_copy)}


def run_large(duration: int, workdir: Path, *, articles: int) -> dict:
    """The same measures at 100,000 articles on PostgreSQL and Redis (scale-out mode)."""
    import psycopg
    import redis

    server_url = os.environ.get("MASTHEAD_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = "masthead_bench"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {database}")
    redis_url = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    environment = production_environment(
        port=port,
        data_dir=workdir / "large",
        DATABASE_URL=server_url.rsplit("/", 1)[0] + "/" + database,
        REDIS_URL=redis_url,
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
    drain_tasks(environment)
    base = f"http://127.0.0.1:{port}"
    rows, memory = {}, {}
    with masthead_serve(environment, port) as server:
        for path in (ARTICLE, "/"):
            fetch(base + path)
        rows["article, page cache (Redis)"] = wrk(base + ARTICLE, duration=duration)
        rows["home, page cache (Redis)"] = wrk(base + "/", duration=duration)
        memory["page cache on"] = worker_memory_mb(server.pid)
    with masthead_serve({**environment, "MASTHEAD_PAGE_CACHE": "off"}, port) as server:
        fetch(base + ARTICLE)
        rows["article, uncached"] = wrk(base + ARTICLE, duration=duration)
        memory["page cache off"] = worker_memory_mb(server.pid)
        # Worker memory keeps what readers read (routes, fragments): read many articles.
        paths = article_paths(environment["DATABASE_URL"], count=DISTINCT_ARTICLES)
        log(f"reading {len(paths):,} different articles, page cache off")
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda path: fetch(base + path)[0], paths))
        assert statuses.count(200) == len(paths), "some articles did not answer 200"
        memory[f"page cache off, after {len(paths):,} different articles"] = worker_memory_mb(server.pid)
        # What a purge costs: every request a different article, so no worker memory and
        # no fragment helps (more addresses than wrk can ask for in the time).
        log("page cache off, a different article on every request")
        scattered = article_paths(environment["DATABASE_URL"], count=SCATTERED_ARTICLES)
        rows["article, uncached, a different one each request"] = wrk(
            base, duration=duration, paths=scattered, workdir=workdir
        )
    return {"rows": rows, "worker_memory_mb": memory, "articles": articles}


def article_paths(database_url: str, *, count: int) -> list[str]:
    """Addresses of `count` live articles picked at random."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        url_paths = connection.execute(
            "SELECT url_path FROM wagtailcore_page p JOIN news_articlepage a ON a.page_ptr_id = p.id "
            "WHERE p.live ORDER BY random() LIMIT %s",
            [count],
        ).fetchall()
    # url_path starts with the site's root page ("/home/news/story/" is "/news/story/").
    return ["/" + url_path.split("/", 2)[2] for (url_path,) in url_paths]


GOALS = {
    "article, uncached": "≥ 1,000 req/s, p99 < 50 ms",
    "article, page cache": "≥ 10,000 req/s",
    "home, page cache": "≥ 10,000 req/s",
    "article, static publishing (nginx)": "≥ 90% of nginx",
    "reference: nginx, static file": "",
    "article, uncached, a different one each request": "none: what the first render after a purge costs",
}


def markdown(result: dict) -> str:
    lines = [
        f"Measured {result['when']} on {result['machine']}, `wrk -t2 -c32 -d{result['duration']}s` on loopback "
        "(wrk shares the cores), uncompressed responses, each after a 2 s warm-up. The static-publishing "
        f"row and the nginx reference take {NGINX_TURNS} turns each; their rows are the median turn.",
        "",
        "| demo size, SQLite | requests/s | p50 ms | p99 ms | errors | × nginx | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in result["demo"]["rows"].items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
            f"| {row['ratio_to_nginx']:.3f} | {GOALS.get(name, '')} |"
        )
    weights = result["demo"]["page_weight_kb"]
    lines += ["", "| page weight (HTML + CSS + JS) | raw KB | gzip KB | brotli KB |", "|---|---:|---:|---:|"]
    for name, weight in weights.items():
        lines.append(f"| {name} | {weight['raw_kb']} | {weight['gzip_kb']} | {weight['brotli_kb']} |")
    lines += ["", "| server workers' memory (RSS, MB) | per worker |", "|---|---|"]
    for name, values in result["demo"]["worker_memory_mb"].items():
        lines.append(f"| {name} | {', '.join(str(v) for v in values)} |")
    large = result["large"]
    if isinstance(large, str):
        lines += ["", f"At 100,000 articles on PostgreSQL + Redis: {large}"]
    else:
        lines += [
            "",
            f"| {large['articles']:,} articles, PostgreSQL + Redis | requests/s | p50 ms | p99 ms | errors | × nginx | goal |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        reference_rps = result["demo"]["rows"]["reference: nginx, static file"]["rps"]
        for name, row in large["rows"].items():
            goal = GOALS.get(name.replace(" (Redis)", ""), "")
            lines.append(
                f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
                f"| {row['rps'] / reference_rps:.3f} | {goal} |"
            )
        for name, values in large["worker_memory_mb"].items():
            lines.append(
                f"| workers' memory, {name} (MB) | {', '.join(str(v) for v in values)} | | | | | < 150 MB each |"
            )
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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "20")))
    parser.add_argument(
        "--large-articles",
        type=int,
        default=int(os.environ.get("BENCH_LARGE_ARTICLES", "100000")),
        help="articles for the PostgreSQL + Redis run; 0 skips it",
    )
    arguments = parser.parse_args()
    ensure_tools()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as temporary:
        os.chmod(temporary, 0o755)  # nginx's workers run as an unprivileged user
        demo = run_demo_size(arguments.duration, Path(temporary))
        large = (
            run_large(arguments.duration, Path(temporary), articles=arguments.large_articles)
            if arguments.large_articles
            else "skipped (--large-articles 0)."
        )
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform_memory()}",
        "duration": arguments.duration,
        "demo": demo,
        "large": large,
    }
    table = markdown(result)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(table)
    (RESULTS / "chart.svg").write_text(chart_svg(result))
    update_readme(table)
    print(table)


def platform_memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown memory"


if __name__ == "__main__":
    main()
