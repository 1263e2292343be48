"""bench/run.py's handling of the server it starts, its readers' counts and goals, and the
writes bench/writer.py does (bench is scripts, loaded by path)."""

import contextlib
import http.server
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import ClassVar

import pytest

from masthead.conftest import service_missing
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


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", PROJECT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_bench():
    return load_script("run")


def load_writer():
    return load_script("writer")


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


class CountedPages(http.server.BaseHTTPRequestHandler):
    """Three kinds of answer: a page-cache hit (whose stored X-Fragments header is the one
    of the render that stored it), a miss that Django rendered, and a page Django rendered
    with the page cache off (no X-Cache). Header names in both cases, as servers differ."""

    protocol_version = "HTTP/1.1"
    ANSWERS: ClassVar[dict[str, list[tuple[str, str]]]] = {
        "/hit": [("X-Cache", "hit"), ("X-Fragments", "hits=100 misses=100")],
        "/miss": [("x-cache", "miss"), ("x-fragments", "hits=2 misses=5")],
        "/rendered": [("X-Fragments", "hits=1 misses=0")],
    }

    def do_GET(self):
        body = b"<p>page</p>"
        self.send_response(200)
        for name, value in self.ANSWERS[self.path]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def counted_pages():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountedPages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_readers_script_counts_page_cache_and_fragment_answers(counted_pages, tmp_path):
    """wrk's readers count every answer once by its X-Cache, and add up X-Fragments only
    on the pages Django rendered (a hit's header is the stale one of an earlier render)."""
    if shutil.which("wrk") is None:
        service_missing("wrk is not installed")
    bench = load_bench()

    row = bench.wrk(counted_pages, duration=1, paths=list(CountedPages.ANSWERS), workdir=tmp_path, warm_up=False)

    counts = row["counts"]
    hits, misses, rendered = counts["cache_hits"], counts["cache_misses"], counts["uncached"]
    assert min(hits, misses, rendered) > 0, counts
    assert hits + misses + rendered == row["requests"]
    assert counts["fragment_responses"] == misses + rendered
    assert counts["fragment_hits"] == 2 * misses + rendered
    assert counts["fragment_misses"] == 5 * misses


def test_counts_are_required_from_the_readers_script():
    bench = load_bench()
    output = "  10 requests in 1.00s, 1KB read\nRequests/sec: 10.00\n"

    assert "counts" not in bench.parse_wrk(output)
    with pytest.raises(RuntimeError, match="bench-counts"):
        bench.parse_wrk(output, counted=True)


def test_a_ratio_with_nothing_counted_is_not_applicable():
    bench = load_bench()

    assert bench.hit_ratio(0, 0) is None
    assert bench.percent(bench.hit_ratio(0, 0)) == "n/a"
    assert bench.percent(bench.hit_ratio(199, 1)) == "99.5%"


def counted_row(rps: float, p99_ms: float, **counts: int) -> dict:
    every = dict.fromkeys(("cache_hits", "cache_misses", "uncached", "fragment_hits", "fragment_misses"), 0)
    return {"rps": rps, "p50_ms": 1.0, "p99_ms": p99_ms, "errors": 0, "counts": {**every, **counts}}


def test_the_reading_rows_show_hit_ratios_writes_and_goals_against_the_readers_alone():
    bench = load_bench()
    alone = counted_row(1000, 10, cache_hits=1000)
    written = {
        **counted_row(790, 10, cache_hits=900, cache_misses=100, fragment_hits=30, fragment_misses=10),
        "writes": {"done": {"edits": 20, "approvals": 200, "publishes": 1}},
    }
    off_alone = counted_row(100, 40, uncached=100)
    off_written = counted_row(50, 90, uncached=50)
    rows = {
        "readers, page cache on, alone": alone,
        "readers, page cache on, with the writer": written,
        "readers, page cache off, alone": off_alone,
        "readers, page cache off, with the writer": off_written,
    }

    table = bench.new_rows_table("SQLite", rows, bench.GOALS)

    cells = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in table[2:]}
    assert cells["readers, page cache on, alone"][5:7] == ["100.0%", "n/a"]
    on_written = cells["readers, page cache on, with the writer"]
    assert on_written[5:8] == ["90.0%", "75.0%", "20 / 200 / 1"]
    assert on_written[8].endswith("✗ |")  # 79% of the readers alone
    assert cells["readers, page cache off, with the writer"][5] == "n/a"
    assert cells["readers, page cache off, with the writer"][8].endswith("✓ |")  # 50%, and no p99 goal


def test_the_cold_render_goal_is_set_at_100000_articles():
    bench = load_bench()
    rows = {bench.COLD_ROW: counted_row(400, 120, cache_misses=4000)}

    assert bench.new_rows_table("SQLite", rows, bench.GOALS)[2].endswith("|  |")
    assert bench.new_rows_table("100,000", rows, {**bench.GOALS, **bench.LARGE_GOALS})[2].endswith(
        "≥ 350 req/s, p99 < 100 ms ✗ |"
    )


def test_the_writer_is_asked_for_each_kind_of_write_at_its_rate():
    writer = load_writer()

    assert writer.planned_writes(20) == writer.Writes(edits=20, approvals=100, publishes=1)
    assert writer.planned_writes(60) == writer.Writes(edits=60, approvals=300, publishes=2)
    due = writer.schedule(60)
    assert len(due) == 362
    assert due == sorted(due)
    assert [second for second, kind in due if kind == "publishes"] == [0, 30]
    assert all(0 <= second < 60 for second, _ in due)


def test_a_writer_that_fell_behind_fails_the_run():
    bench = load_bench()
    planned = {"edits": 20, "approvals": 200, "publishes": 1}

    assert bench.writes_shortfall({"planned": planned, "done": planned}) == []
    assert bench.writes_shortfall({"planned": planned, "done": {**planned, "approvals": 180}}) == []
    assert bench.writes_shortfall({"planned": planned, "done": {"edits": 20, "approvals": 120, "publishes": 0}}) == [
        "120 of 200 approvals",
        "0 of 1 publishes",
    ]


@pytest.fixture
def newsroom(site_tree, django_capture_on_commit_callbacks):
    from django.core.handlers.wsgi import WSGIHandler

    from masthead.news.tests.factories import make_article, make_author
    from masthead.pagecache.purge import page_store
    from masthead.pagecache.wsgi import PageCacheApplication

    author = make_author("Ada Reporter")
    with django_capture_on_commit_callbacks(execute=True):
        first = make_article(site_tree.sections["news"], title="First story", authors=[author], hours_ago=3)
        second = make_article(site_tree.sections["analysis"], title="Second story", authors=[author], hours_ago=2)
    return {"site": PageCacheApplication(WSGIHandler(), store=page_store()), "first": first, "second": second}


def is_hit(newsroom, path: str) -> bool:
    from masthead.pagecache.tests.helpers import wsgi_request

    response = wsgi_request(newsroom["site"], path)
    assert response.status_code == 200, path
    return response.header("x-cache") == "hit"


def warm(newsroom, *paths: str) -> None:
    for path in paths:
        is_hit(newsroom, path)
        assert is_hit(newsroom, path), path


@pytest.mark.django_db
def test_the_writer_picks_live_articles_by_the_addresses_readers_ask_for(newsroom):
    writer = load_writer()

    picked = writer.live_articles(5)

    assert sorted(picked) == sorted((article.pk, article.url) for article in (newsroom["first"], newsroom["second"]))
    for _, path in picked:
        is_hit(newsroom, path)


@pytest.mark.django_db
def test_the_writers_edit_is_a_published_revision_that_purges_the_article(newsroom, django_capture_on_commit_callbacks):
    from masthead.news.models import ArticlePage

    writer = load_writer()
    # The newer article's page links to the older one ("Continue reading"): edit the newer.
    older, newer = newsroom["first"], newsroom["second"]
    warm(newsroom, older.url, newer.url)
    revisions = newer.revisions.count()

    with django_capture_on_commit_callbacks(execute=True):
        writer.edit_article(newer.pk, 7)

    edited = ArticlePage.objects.get(pk=newer.pk)
    assert edited.revisions.count() == revisions + 1
    assert edited.live_revision == edited.latest_revision
    assert edited.update_note.startswith("Update 7:")
    assert not is_hit(newsroom, newer.url)
    assert is_hit(newsroom, older.url)


@pytest.mark.django_db
def test_the_writer_finds_or_posts_the_pending_comments_it_approves(newsroom):
    from masthead.comments.models import Comment, Discussion
    from masthead.comments.tests.factories import comment_settings, post_comment

    writer = load_writer()
    older, newer = newsroom["first"], newsroom["second"]
    comment_settings()  # the site's own policy: a first comment waits for a moderator
    waiting = post_comment(newer)
    assert waiting.status == Comment.Status.PENDING

    pending = writer.pending_comments([older.pk, newer.pk], 5)

    assert len(pending) == 5 and pending[0] == waiting.pk
    comments = Comment.objects.filter(pk__in=pending)
    assert {comment.status for comment in comments} == {Comment.Status.PENDING}
    assert {comment.page_id for comment in comments} <= {older.pk, newer.pk}
    assert sum(Discussion.objects.values_list("pending_count", flat=True)) == 5


@pytest.mark.django_db
def test_the_writers_approval_purges_one_articles_own_page_on_commit(newsroom, django_capture_on_commit_callbacks):
    from masthead.comments.models import Comment, Discussion

    writer = load_writer()
    older, newer = newsroom["first"], newsroom["second"]
    # Saving the comment settings purges every page when it commits.
    with django_capture_on_commit_callbacks(execute=True):
        [pending] = writer.pending_comments([newer.pk], 1)
    warm(newsroom, older.url, newer.url, "/", "/latest/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        writer.approve_comment(pending)

    assert callbacks, "the purge did not wait for the commit"
    assert Comment.objects.get(pk=pending).status == Comment.Status.APPROVED
    assert Discussion.objects.get(page_id=newer.pk).approved_count == 1
    assert not is_hit(newsroom, newer.url)
    # A comment shows on the article's page only: the listings that show its card stay.
    assert is_hit(newsroom, older.url)
    assert is_hit(newsroom, "/")
    assert is_hit(newsroom, "/latest/")


@pytest.mark.django_db
def test_the_writers_new_article_is_live_in_the_section_of_the_one_it_follows(
    newsroom, django_capture_on_commit_callbacks
):
    from masthead.news.models import ArticlePage

    writer = load_writer()
    second = newsroom["second"]
    warm(newsroom, "/latest/")

    with django_capture_on_commit_callbacks(execute=True):
        writer.publish_new_article(second.pk, 1)

    new = ArticlePage.objects.live().get(title="Newsroom bench story 1")
    assert new.get_parent().pk == second.primary_section_id
    assert list(new.article_authors.values_list("author_id", flat=True)) == list(
        second.article_authors.values_list("author_id", flat=True)
    )
    assert not is_hit(newsroom, "/latest/")
    assert not is_hit(newsroom, new.url)  # answers 200, rendered on its first visit


class StoredAfterAWhile(http.server.BaseHTTPRequestHandler):
    """A page the page cache answers from only after a few misses, as when a periodic
    purge lands between the request that stored it and the next."""

    protocol_version = "HTTP/1.1"
    misses_left = 3

    def do_GET(self):
        cls = type(self)
        cache = "miss" if cls.misses_left > 0 else "hit"
        cls.misses_left -= 1
        self.send_response(200)
        self.send_header("X-Cache", cache)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def stored_after_a_while():
    StoredAfterAWhile.misses_left = 3
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StoredAfterAWhile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_warm_up_waits_for_a_hit_rather_than_failing_on_a_miss(stored_after_a_while):
    bench = load_bench()

    bench.wait_for_hit(stored_after_a_while)

    assert StoredAfterAWhile.misses_left < 0


def test_the_warm_up_fails_when_the_page_is_never_stored(stored_after_a_while):
    bench = load_bench()
    StoredAfterAWhile.misses_left = 10**6

    with pytest.raises(RuntimeError, match="never answered from the page cache"):
        bench.wait_for_hit(stored_after_a_while, seconds=0.5)


def test_the_readme_table_marks_each_goal_and_says_which_runs_were_skipped():
    bench = load_bench()
    reference = counted_row(50_000, 2)
    demo_rows = {
        "article, page cache": {**counted_row(16_000, 4), "ratio_to_nginx": 0.32},
        "article, uncached": {**counted_row(900, 30), "ratio_to_nginx": 0.018},
        "article, static publishing (nginx)": {**counted_row(46_000, 2), "ratio_to_nginx": 0.92},
        "reference: nginx, static file": {**reference, "ratio_to_nginx": 1.0},
    }
    reading = {
        "readers, page cache on, alone": counted_row(1000, 10, cache_hits=1000),
        "readers, page cache on, with the writer": {
            **counted_row(900, 20, cache_hits=990, cache_misses=10),
            "writes": {"done": {"edits": 20, "approvals": 200, "publishes": 1}},
        },
    }
    result = {
        "when": "2026-12-03 17:00 UTC",
        "machine": "2 cores, 24 GiB",
        "duration": 20,
        "cold_seconds": 10,
        "nginx_turns": 5,
        "demo": {
            "rows": demo_rows,
            "page_weight_kb": {"article": {"raw_kb": 40, "gzip_kb": 13, "brotli_kb": 10}},
            "worker_memory_mb": {"page cache on": [130.0, 131.0]},
        },
        "sqlite": {"articles": 20_000, "new_rows": reading},
        "large": "skipped (--large-articles 0).",
    }

    table = bench.markdown(result)

    assert "| article, page cache | 16,000 |" in table and "≥ 10,000 req/s ✓ |" in table
    assert "≥ 1,000 req/s, p99 < 50 ms ✗ |" in table
    assert "≥ 90% of nginx ✓ |" in table
    assert "| SQLite: the demo + 20,000 generated articles |" in table
    assert "| 99.0% | n/a | 20 / 200 / 1 | ≥ 80% of alone, p99 < 50 ms ✓ |" in table
    assert "At 100,000 articles on PostgreSQL + Redis: skipped (--large-articles 0)." in table


def test_the_comment_rows_show_their_goals_and_how_they_were_taken():
    bench = load_bench()
    large = {
        "articles": 100_000,
        "comment_rows": {
            bench.POSTING_ROW: {**counted_row(240, 300), "note": "limits raised in CommentSettings"},
            bench.THREAD_ROW: {**counted_row(150, 61), "note": "page cache off"},
        },
    }

    table = bench.comment_rows_table(large)

    assert table[0].startswith("| 100,000 articles and their comments, PostgreSQL + Redis |")
    assert table[2].endswith("| ≥ 200 comments/s ✓ | limits raised in CommentSettings |")
    assert table[3].endswith("| p99 < 50 ms ✗ | page cache off |")


class RecordedPosts(http.server.BaseHTTPRequestHandler):
    """Answers every post 201, as the comment endpoint does, and keeps what it was sent."""

    protocol_version = "HTTP/1.1"
    posts: ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).posts.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_posting_script_sends_a_new_readers_comment_with_the_forms_token_each_time(tmp_path):
    """wrk posts like the page's script: the CSRF cookie and the form's fields every time,
    JSON asked for, a different reader and text each post, over the articles given."""
    import urllib.parse

    if shutil.which("wrk") is None:
        service_missing("wrk is not installed")
    bench = load_bench()
    RecordedPosts.posts = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordedPosts)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = tmp_path / "posting.lua"
    fields = {"csrfmiddlewaretoken": "tok+en/=", "issued": "1.5:abc"}
    script.write_text(
        bench.posting_script(paths=["/comments/7/post/", "/comments/9/post/"], cookie="csrftoken=abc", fields=fields)
    )
    try:
        row = bench.wrk(
            f"http://127.0.0.1:{server.server_address[1]}",
            duration=1,
            warm_up=False,
            connections=4,
            script=["-s", str(script)],
        )
    finally:
        server.shutdown()
        server.server_close()

    posts = RecordedPosts.posts
    assert row["errors"] == 0 and len(posts) >= 10
    assert {path for path, _, _ in posts} == {"/comments/7/post/", "/comments/9/post/"}
    emails = set()
    for _, headers, body in posts:
        assert headers["Cookie"] == "csrftoken=abc"
        assert headers["Accept"] == "application/json"
        sent = urllib.parse.parse_qs(body, keep_blank_values=True)
        assert sent["csrfmiddlewaretoken"] == ["tok+en/="] and sent["issued"] == ["1.5:abc"]
        assert sent["company"] == [""] and sent["body"][0].startswith("Comment ")
        emails.add(sent["email"][0])
    assert len(emails) == len(posts)


@pytest.mark.django_db
def test_the_bench_posts_with_what_the_real_form_gives_once_the_limits_are_raised(newsroom, client):
    """The fields the bench reads from the form, sent back with its CSRF cookie, are a
    comment the site takes at once, however many come from one address."""
    from django.test import Client

    from masthead.comments.models import Comment, CommentSettings
    from masthead.comments.tests.factories import post_comment

    bench, writer = load_bench(), load_writer()
    article = newsroom["second"]
    post_comment(article)

    busiest = writer.comment_limits_raise()

    assert busiest == {"busiest": article.pk, "comments": 1}
    limits = CommentSettings.objects.get()
    assert limits.posts_per_minute_per_ip == limits.posts_per_hour_per_email == writer.LIMIT
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(f"/comments/{article.pk}/form/")
    fields = bench.form_fields(form.content.decode())
    for number in range(8):
        response = browser.post(
            f"/comments/{article.pk}/post/",
            {**fields, "name": f"Reader {number}", "email": f"reader{number}@example.org", "body": "Well said."},
            headers={"accept": "application/json"},
        )
        assert response.status_code == 201, response.content
    assert Comment.objects.filter(page=article).count() == 9
    with pytest.raises(RuntimeError, match="no CSRF token"):
        bench.form_fields("<form><input name='body'></form>")


def test_the_bench_switches_the_digest_schedules_off_so_no_digest_starts_mid_run(site_tree):
    # At 100,000 articles the worker made a digest to 45,191 generated subscribers during
    # the readers' rows and kept trying to send it to no mail server.
    import datetime

    from django.utils import timezone

    from masthead.news.tests.factories import make_article
    from masthead.newsletter.digests import digests_make
    from masthead.newsletter.models import Edition, NewsletterList

    daily = NewsletterList.objects.create(
        site=site_tree.site,
        slug="bench-daily",
        name="Daily",
        kind=NewsletterList.Kind.DIGEST,
        frequency=NewsletterList.Frequency.DAILY,
        send_time=datetime.time(7, 0),
    )
    make_article(site_tree.sections["news"], title="Fresh story for the digest")

    assert load_writer().newsletter_schedules_off() >= 1

    assert NewsletterList.objects.get(pk=daily.pk).frequency == NewsletterList.Frequency.NONE
    assert digests_make(now=timezone.now() + datetime.timedelta(days=1)) == []
    assert not Edition.objects.filter(newsletter_list=daily).exists()


def test_the_discovery_rows_mark_the_cached_and_uncached_goals():
    discovery = load_script("discovery")
    timing = {"p50_ms": 1.0, "bytes": 2048, "samples": 10, "max_ms": 1.0, "path": "/x"}
    result = {
        "cached": {"sitemap index": {**timing, "p95_ms": 4.0}, "site feed (RSS)": {**timing, "p95_ms": 4.0}},
        "uncached": {"sitemap index": {**timing, "p95_ms": 120.0}, "site feed (RSS)": {**timing, "p95_ms": 640.0}},
    }

    table = discovery.table("100,000 articles, PostgreSQL + Redis", result)

    assert table[0].startswith("| discovery, 100,000 articles, PostgreSQL + Redis | cached p50 ms |")
    assert table[2].startswith("| sitemap index | 1.0 | 4.0 | 1.0 | 120.0 | 2.0 |") and table[2].endswith("✓ |")
    assert table[3].endswith("✗ |")


@pytest.mark.django_db(transaction=True)
def test_the_search_bench_asks_more_than_one_address_may_and_reports_each_kind(live_server):
    """bench/search.py times real searches over HTTP: more of them than one network address
    may ask in a minute, so it asks from several; every answer is a 200 with results."""
    from masthead.news.tests.factories import build_site, make_article

    search = load_script("search")
    site = build_site()
    make_article(site.sections["news"], title="Harbour cranes stand idle")
    picked = [("headline word", "harbour"), ("misspelt", "harbourqx")] * 40  # 80 > 60 a minute

    timed = search.timings(live_server.url, picked)

    assert {kind: row["samples"] for kind, row in timed.items()} == {
        "headline word": 40,
        "misspelt": 40,
        "all queries": 80,
    }
    assert all(0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"] for row in timed.values())
    lines = search.table("a test site", timed)
    assert lines[0].startswith("| search, a test site |")
    assert [line.split(" | ")[0] for line in lines[2:]] == ["| headline word", "| misspelt", "| all queries"]
    assert "p95 ≤ 50 ms" in lines[-1]
