"""How fast crawlers and feed readers are answered at 100,000 articles (issue 13): the
sitemap index, a month's sitemap, the listing pages' sitemap, the Google News sitemap,
and the site's and a section's feeds, each fetched one after another over one kept-alive
connection, as a crawler does:

- cached: from the page cache, after a first request stored it;
- uncached: with the page cache off, every request rendered by Django from PostgreSQL.

Goals: p95 ≤ 50 ms cached, ≤ 500 ms uncached.
"""

from __future__ import annotations

import http.client
import math
import statistics
import time
import urllib.parse

from defusedxml import ElementTree

CACHED_GOAL_MS = 50
UNCACHED_GOAL_MS = 500
CACHED_SAMPLES = 200
UNCACHED_SAMPLES = 15
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _get(connection: http.client.HTTPConnection, path: str, *, compressed: bool = False) -> bytes:
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if compressed else {})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return body


def paths(base: str) -> dict[str, str]:
    """What to time, found as a crawler finds it: the month is the index's fullest
    recent month (its second: the first may have just begun), the section the pages
    sitemap's first."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        index = ElementTree.fromstring(_get(connection, "/sitemap.xml"))
        months = [node.text for node in index.iter(f"{SITEMAP_NS}loc") if "/sitemaps/articles-" in node.text]
        pages = ElementTree.fromstring(_get(connection, "/sitemaps/pages.xml"))
        listed = [urllib.parse.urlsplit(node.text).path for node in pages.iter(f"{SITEMAP_NS}loc")]
    finally:
        connection.close()
    month = urllib.parse.urlsplit(months[1] if len(months) > 1 else months[0]).path
    section = next(path for path in listed[3:] if path.count("/") == 2)  # after /, /latest/, /staff-picks/
    return {
        "sitemap index": "/sitemap.xml",
        f"month sitemap ({month.rsplit('/', 1)[1]})": month,
        "listing pages sitemap": "/sitemaps/pages.xml",
        "Google News sitemap": "/sitemap-news.xml",
        "site feed (RSS)": "/feed/",
        "site feed (Atom)": "/feed/atom/",
        f"section feed ({section})": f"{section}feed/",
    }


def timings(base: str, targets: dict[str, str], *, samples: int) -> dict[str, dict]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    results = {}
    try:
        for name, path in targets.items():
            _get(connection, path, compressed=True)  # stored by the page cache (when on), connection open
            spent, size = [], 0
            for _ in range(samples):
                started = time.perf_counter()
                size = len(_get(connection, path, compressed=True))  # as crawlers ask
                spent.append((time.perf_counter() - started) * 1000)
            spent.sort()
            results[name] = {
                "path": path,
                "p50_ms": round(statistics.median(spent), 2),
                "p95_ms": round(spent[min(len(spent) - 1, math.ceil(0.95 * len(spent)) - 1)], 2),
                "max_ms": round(spent[-1], 2),
                "bytes": size,
                "samples": samples,
            }
    finally:
        connection.close()
    return results


def table(title: str, discovery: dict) -> list[str]:
    lines = [
        f"| discovery, {title} | cached p50 ms | cached p95 ms | uncached p50 ms | uncached p95 ms | gzip KB | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, cached in discovery["cached"].items():
        uncached = discovery["uncached"].get(name, {})
        met = cached["p95_ms"] <= CACHED_GOAL_MS and uncached.get("p95_ms", float("inf")) <= UNCACHED_GOAL_MS
        lines.append(
            f"| {name} | {cached['p50_ms']:.1f} | {cached['p95_ms']:.1f} | {uncached.get('p50_ms', 0):.1f} "
            f"| {uncached.get('p95_ms', 0):.1f} | {cached['bytes'] / 1024:.1f} "
            f"| ≤ {CACHED_GOAL_MS} ms cached, ≤ {UNCACHED_GOAL_MS} ms uncached {'✓' if met else '✗'} |"
        )
    return lines
