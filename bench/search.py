"""How fast the search page answers at 100,000 articles on PostgreSQL (issue 13).

Search pages are never stored by the page cache (any query is a new address), so every
request here is rendered by Django: the ranked page of results, the count, the cards and
their snippets. The queries are what readers type: words from headlines they half
remember (one word, or two from the same headline), one common word that thousands of
articles mention, and a misspelling that finds nothing (the page of suggestions). They
are asked one after another over one kept-alive connection, from several loopback
addresses in turn so that the per-address limit on searches (a wall for scripts) does
not answer instead of the search.

Goal: p95 ≤ 50 ms.
"""

from __future__ import annotations

import http.client
import math
import random
import re
import statistics
import time
import urllib.parse

GOAL_MS = 50
SAMPLES = 300
ADDRESSES = 30  # 127.0.1.1 … : each asks at most SAMPLES / ADDRESSES times a minute
WORD = re.compile(r"\w+")


def queries(database_url: str, *, count: int = SAMPLES, seed: int = 13) -> list[tuple[str, str]]:
    """(kind, query) pairs, the same for the same database and seed."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(database_url) as connection:
        connection.execute("SELECT setseed(0.13)")
        titles = [
            row[0]
            for row in connection.execute(
                "SELECT p.title FROM wagtailcore_page p JOIN news_articlepage a ON a.page_ptr_id = p.id "
                "WHERE p.live ORDER BY random() LIMIT %s",
                [count],
            )
        ]
        standfirsts = [
            row[0] for row in connection.execute("SELECT standfirst FROM news_articlepage ORDER BY random() LIMIT 50")
        ]
    common = [word for text in standfirsts for word in WORD.findall(text.lower()) if len(word) > 3]
    picked = []
    for number in range(count):
        words = [word for word in WORD.findall(titles[number % len(titles)].lower()) if len(word) > 2] or ["news"]
        kind = ("headline word", "two headline words", "two headline words", "common word", "misspelt")[number % 5]
        if kind == "headline word":
            text = rng.choice(words)
        elif kind == "two headline words":
            text = " ".join(rng.sample(words, k=min(2, len(words))))
        elif kind == "common word":
            text = rng.choice(common)
        else:
            text = rng.choice(words) + "qx"
        picked.append((kind, text))
    return picked


def timings(base: str, picked: list[tuple[str, str]]) -> dict:
    parts = urllib.parse.urlsplit(base)
    connections = [
        http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(f"127.0.1.{n + 1}", 0))
        for n in range(ADDRESSES)
    ]
    spent: dict[str, list[float]] = {}
    try:
        for number, (kind, text) in enumerate(picked):
            connection = connections[number % ADDRESSES]
            path = "/search/?" + urllib.parse.urlencode({"q": text})
            try:
                status, elapsed = _timed_get(connection, path)
            except (http.client.RemoteDisconnected, ConnectionResetError):
                # The server closed a connection that waited its turn: open it again, untimed.
                connection.close()
                connection.connect()
                status, elapsed = _timed_get(connection, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            spent.setdefault(kind, []).append(elapsed)
            spent.setdefault("all queries", []).append(elapsed)
    finally:
        for connection in connections:
            connection.close()
    return {kind: _summary(values) for kind, values in spent.items()}


def _timed_get(connection: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def _summary(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)], 2),
        "max_ms": round(values[-1], 2),
        "samples": len(values),
    }


def table(title: str, search: dict) -> list[str]:
    lines = [f"| search, {title} | p50 ms | p95 ms | max ms | queries | goal |", "|---|---:|---:|---:|---:|---|"]
    for kind in sorted(search, key=lambda kind: kind == "all queries"):  # the total last
        row = search[kind]
        goal = ""
        if kind == "all queries":
            goal = f"p95 ≤ {GOAL_MS} ms {'✓' if row['p95_ms'] <= GOAL_MS else '✗'}"
        lines.append(
            f"| {kind} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['max_ms']:.1f} | {row['samples']} | {goal} |"
        )
    return lines
