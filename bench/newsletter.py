"""Newsletter delivery (issue 12): one edition to N confirmed subscribers through a local
aiosmtpd sink in its own process (masthead/newsletter/smtp_sink.py), sent by `masthead
worker` as in production (one worker process, the default), on PostgreSQL with
production settings. Reported at 10,000 and 100,000 subscribers: mails per second (from
the sink's first to its last accepted mail) and the worker's peak memory (VmHWM), which
should not grow with the list.

Run alone with `python bench/run.py --only newsletter`; writes bench/results/newsletter.{md,json}
and the README's block between <!-- bench-newsletter:start --> and <!-- bench-newsletter:end -->.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import run  # bench/run.py (bench is scripts, loaded by path)

from masthead.newsletter.smtp_sink import SinkProcess

README_START, README_END = "<!-- bench-newsletter:start -->", "<!-- bench-newsletter:end -->"
SIZES = (10_000, 100_000)
GOAL_RATE = 1_000

SETUP = """
from masthead.news.tests.factories import build_site, make_article
from masthead.newsletter.bulk import subscribers_bulk_create
from masthead.newsletter.models import Edition, EditionArticle, NewsletterList
from masthead.newsletter import sending
from django.db import transaction
tree = build_site()
newsletter_list = NewsletterList.objects.create(site=tree.site, slug="bench-@SIZE@", name="Bench @SIZE@")
subscribers_bulk_create(newsletter_list=newsletter_list, count=@SIZE@, prefix="bench-@SIZE@")
edition = Edition.objects.create(newsletter_list=newsletter_list, subject="The week in review", intro="Five stories.")
for position in range(5):
    EditionArticle.objects.create(edition=edition, page=make_article(tree.sections["news"]), position=position)
with transaction.atomic():
    sending.edition_start(edition_id=edition.pk)
print("edition", edition.pk)
"""
STATE = "from masthead.newsletter.models import Edition; print(Edition.objects.get(pk=@ID@).state)"


def masthead(environment: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args], env=environment, check=True, capture_output=True, text=True
    ).stdout


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(environment: dict, size: int, workdir: Path, *, timeout: float = 900) -> dict:
    """Make an edition of `size` subscribers (its send queued), start one worker, and time
    the send at the sink."""
    with SinkProcess(workdir / f"sink-{size}") as sink:
        environment = {**environment, "EMAIL_URL": sink.email_url}
        run.log(f"newsletter: {size:,} subscribers")
        edition_id = int(masthead(environment, "shell", "-c", SETUP.replace("@SIZE@", str(size))).split()[-1])
        worker = subprocess.Popen(
            [sys.executable, "-m", "masthead.cli", "worker"], env=environment, stdout=subprocess.DEVNULL
        )
        peak = 0.0
        try:
            deadline = time.monotonic() + timeout
            first = last = None
            while time.monotonic() < deadline:
                count = sink.accepted_count()
                now = time.monotonic()
                if count and first is None:
                    first = now
                peak = max(peak, peak_rss_mb(worker.pid))
                if count >= size:
                    last = now
                    break
                time.sleep(0.1)
            if last is None:
                raise RuntimeError(f"the worker sent {len(sink.accepted()):,} of {size:,} in {timeout:.0f} s")
            state = (
                masthead(environment, "shell", "-c", STATE.replace("@ID@", str(edition_id))).strip().splitlines()[-1]
            )
            peak = max(peak, peak_rss_mb(worker.pid))
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        accepted = sink.accepted()
    seconds = max(last - first, 1e-3)
    return {
        "subscribers": size,
        "accepted": len(accepted),
        "distinct": len({recipient for recipient, _ in accepted}),
        "seconds": round(seconds, 2),
        "mails_per_second": round(size / seconds),
        "worker_peak_rss_mb": round(peak, 1),
        "edition_state": state,
    }


def run_newsletter(workdir: Path, *, sizes=SIZES, database: str = "masthead_bench_newsletter") -> dict:
    import psycopg

    server_url = run.postgres_server_url()
    rows = []
    for size in sizes:
        name = f"{database}_{size}"
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        environment = run.production_environment(
            port=run.free_port(),
            data_dir=workdir / f"data-{size}",
            DATABASE_URL=server_url.rsplit("/", 1)[0] + "/" + name,
        )
        masthead(environment, "migrate", "-v", "0")
        rows.append(measure(environment, size, workdir))
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {run.platform_memory()}",
        "rows": rows,
    }


def markdown(result: dict) -> str:
    lines = [
        f"Newsletter delivery, measured {result['when']} on {result['machine']} (a shared machine: the "
        "figures are noisy): one edition (five articles) to N confirmed subscribers, sent by one `masthead "
        "worker` (the default) on PostgreSQL with production settings, through a local aiosmtpd sink in its own "
        "process on the same cores. Rate from the sink's first to its last accepted mail; memory is the worker's "
        "peak RSS.",
        "",
        "| subscribers | mails/s | seconds | accepted (distinct) | worker peak RSS MB | goal |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["rows"]:
        ok = row["mails_per_second"] >= GOAL_RATE and row["distinct"] == row["subscribers"] == row["accepted"]
        lines.append(
            f"| {row['subscribers']:,} | {row['mails_per_second']:,} | {row['seconds']:.1f} | "
            f"{row['accepted']:,} ({row['distinct']:,}) | {row['worker_peak_rss_mb']:.0f} | "
            f"≥ {GOAL_RATE:,}/s, each once{' ✓' if ok else ' ✗'} |"
        )
    if len(result["rows"]) > 1:
        small, large = result["rows"][0], result["rows"][-1]
        growth = large["worker_peak_rss_mb"] - small["worker_peak_rss_mb"]
        lines += [
            "",
            f"Peak memory from {small['subscribers']:,} to {large['subscribers']:,} subscribers: {growth:+.0f} MB.",
        ]
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    readme = run.ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text:
        anchor = run.README_END
        text = text.replace(anchor, f"{anchor}\n\n{README_START}\n{README_END}", 1) if anchor in text else text
        if README_START not in text:
            return
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    readme.write_text(f"{before}{README_START}\n{table}{README_END}{after}")


def main(workdir: Path, *, sizes=SIZES) -> dict:
    result = run_newsletter(workdir, sizes=sizes)
    table = markdown(result)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "newsletter.json").write_text(json.dumps(result, indent=2) + "\n")
    (run.RESULTS / "newsletter.md").write_text(table)
    update_readme(table)
    print(table)
    return result
