"""Each kind of change purges exactly the pages that show it, right when it commits."""

import http.server
import io
import threading
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.news.tests.factories import make_article, make_author, make_simple_page
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import wsgi_request
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(site_tree, django_capture_on_commit_callbacks):
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    ada, ben = make_author("Ada Reporter"), make_author("Ben Analyst")
    with django_capture_on_commit_callbacks(execute=True):
        older = make_article(news, title="Older news", authors=[ada], tags=["Ports"], hours_ago=10)
        middle = make_article(analysis, title="Middle analysis", authors=[ben], tags=["Energy"], hours_ago=5)
        newest = make_article(news, title="Newest news", authors=[ada], tags=["Ports"], hours_ago=1)
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    pages = {
        "home": "/",
        "latest": "/latest/",
        "news": "/news/",
        "analysis": "/analysis/",
        "tag ports": "/tag/ports/",
        "tag energy": "/tag/energy/",
        "author ada": ada.get_absolute_url(),
        "author ben": ben.get_absolute_url(),
        "older": older.url,
        "middle": middle.url,
        "newest": newest.url,
        "older fragment": f"/fragments/article/{older.pk}/",
        "middle fragment": f"/fragments/article/{middle.pk}/",
    }
    return {"site": site, "pages": pages, "older": older, "middle": middle, "newest": newest, "ada": ada}


def cached(newsroom) -> set[str]:
    """Visit every page twice and say which are served from the cache now."""
    site, pages = newsroom["site"], newsroom["pages"]
    return {name for name, path in pages.items() if wsgi_request(site, path).header("x-cache") == "hit"}


def warm(newsroom) -> None:
    for path in newsroom["pages"].values():
        wsgi_request(newsroom["site"], path)


def purged_by(newsroom, change, capture) -> set[str]:
    warm(newsroom)
    with capture(execute=True):
        change()
    still = {name for name, path in newsroom["pages"].items() if _is_hit(newsroom, path)}
    return set(newsroom["pages"]) - still


def _is_hit(newsroom, path) -> bool:
    return wsgi_request(newsroom["site"], path).header("x-cache") == "hit"


def test_everything_is_cached_once_visited(newsroom):
    warm(newsroom)
    assert cached(newsroom) == set(newsroom["pages"])


def test_editing_an_article_purges_its_page_listings_and_the_page_before_it(
    newsroom, django_capture_on_commit_callbacks
):
    middle = newsroom["middle"]

    def edit():
        middle.title = "Middle analysis, revised"
        middle.save_revision().publish()

    purged = purged_by(newsroom, edit, django_capture_on_commit_callbacks)

    # The newest article's "Continue reading" names the middle one; older news does not.
    assert purged == {
        "home", "latest", "analysis", "tag energy", "author ben", "middle", "middle fragment", "newest",
    }  # fmt: skip
    assert b"Middle analysis, revised" in wsgi_request(newsroom["site"], "/").body


def test_publishing_purges_listings_and_the_newer_neighbour(newsroom, django_capture_on_commit_callbacks, site_tree):
    def publish():
        make_article(site_tree.sections["news"], title="Fresh news", authors=[newsroom["ada"]], hours_ago=3)

    purged = purged_by(newsroom, publish, django_capture_on_commit_callbacks)

    assert purged == {"home", "latest", "news", "author ada", "newest"}
    assert b"Fresh news" in wsgi_request(newsroom["site"], "/latest/").body


def test_unpublishing_takes_the_article_off_every_page(newsroom, django_capture_on_commit_callbacks):
    older = newsroom["older"]

    purged = purged_by(newsroom, older.unpublish, django_capture_on_commit_callbacks)

    assert {"home", "latest", "news", "tag ports", "author ada", "older", "older fragment", "middle"} <= purged
    assert "analysis" not in purged and "tag energy" not in purged
    assert wsgi_request(newsroom["site"], newsroom["pages"]["older"]).status_code == 404
    assert b"Older news" not in wsgi_request(newsroom["site"], "/").body


def test_moving_an_article_purges_both_sections(newsroom, django_capture_on_commit_callbacks, site_tree):
    older = newsroom["older"]

    purged = purged_by(
        newsroom,
        lambda: older.move(site_tree.sections["analysis"], pos="last-child"),
        django_capture_on_commit_callbacks,
    )

    assert {"news", "analysis", "older", "home", "latest"} <= purged
    moved = ArticlePage.objects.get(pk=older.pk)
    assert wsgi_request(newsroom["site"], moved.url).status_code == 200


def test_deleting_an_article_purges_where_it_was_shown(newsroom, django_capture_on_commit_callbacks):
    middle = newsroom["middle"]

    purged = purged_by(newsroom, middle.delete, django_capture_on_commit_callbacks)

    assert {"home", "latest", "analysis", "tag energy", "middle", "newest"} <= purged
    assert "news" not in purged


def test_renaming_an_author_purges_pages_that_print_the_name(newsroom, django_capture_on_commit_callbacks):
    ada = newsroom["ada"]

    def rename():
        ada.name = "Ada Q. Reporter"
        ada.save()

    purged = purged_by(newsroom, rename, django_capture_on_commit_callbacks)

    assert purged == {"home", "latest", "news", "tag ports", "author ada", "older", "newest", "older fragment"}


def test_site_settings_change_purges_every_page(newsroom, django_capture_on_commit_callbacks, site_tree):
    from masthead.core.models import SiteSettings

    def rename_site():
        settings = SiteSettings.objects.get(site=site_tree.site)
        settings.tagline = "A new tagline"
        settings.save()

    assert purged_by(newsroom, rename_site, django_capture_on_commit_callbacks) == set(newsroom["pages"])


def test_a_render_that_raced_a_purge_of_its_keys_is_not_stored(newsroom):
    store = page_store()
    generation = store.generation()
    from masthead.pagecache.entry import Entry

    entry = Entry.build(status="200 OK", headers=[("Content-Type", "text/html")], body=b"old" * 300, keys=["page-1"])
    store.purge_keys(["page-1"])

    assert store.put("/raced/", entry, generation=generation) is False
    assert store.get("/raced/") is None


def test_a_render_that_met_a_purge_of_other_keys_is_stored(newsroom):
    """A comment approved on article B while article A renders does not cost A its store."""
    store = page_store()
    generation = store.generation()
    from masthead.pagecache.entry import Entry

    entry = Entry.build(status="200 OK", headers=[("Content-Type", "text/html")], body=b"new" * 300, keys=["page-1"])
    store.purge_keys(["page-2", "list-section-9"])

    assert store.put("/unrelated/", entry, generation=generation) is True
    assert store.get("/unrelated/").body == entry.body


def test_scheduled_publication_purges_when_it_goes_live(newsroom, django_capture_on_commit_callbacks, site_tree):
    from masthead.core.periodic import publish_scheduled

    article = make_article(site_tree.sections["news"], title="Embargoed story", publish=False, hours_ago=2)
    article.go_live_at = timezone.now() - timedelta(minutes=1)
    article.save_revision(approved_go_live_at=article.go_live_at)

    purged = purged_by(newsroom, publish_scheduled, django_capture_on_commit_callbacks)

    assert {"home", "latest", "news"} <= purged
    assert b"Embargoed story" in wsgi_request(newsroom["site"], "/latest/").body


def test_making_an_article_private_purges_every_page_and_asks_for_the_password(
    newsroom, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    older = newsroom["older"]

    def restrict():
        PageViewRestriction.objects.create(page=older, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")

    assert purged_by(newsroom, restrict, django_capture_on_commit_callbacks) == set(newsroom["pages"])
    response = wsgi_request(newsroom["site"], newsroom["pages"]["older"])
    assert b"password" in response.body.lower()
    assert b"article__body" not in response.body
    assert response.header("x-cache") != "hit"
    assert b"Older news" not in wsgi_request(newsroom["site"], "/latest/").body


def test_worker_memory_and_fragments_follow_a_publish_with_the_page_cache_off(
    client, site_tree, django_capture_on_commit_callbacks
):
    """Uncached pages come from fragments and routes kept in worker memory: a publish
    (or a move) must retire them at once, as it does cached pages."""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(site_tree.sections["news"], title="First headline", hours_ago=1)
    old_url = article.url
    assert b"First headline" in client.get(old_url).content

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Second headline"
        article.save_revision().publish()
    assert b"Second headline" in client.get(old_url).content

    with django_capture_on_commit_callbacks(execute=True):
        article.move(site_tree.sections["analysis"], pos="last-child")
    new_url = ArticlePage.objects.get(pk=article.pk).url
    moved_away = client.get(old_url)
    assert (moved_away.status_code, moved_away["Location"]) == (301, new_url)  # Wagtail's redirect
    assert b"Second headline" in client.get(new_url).content


class _RecordingCDN(http.server.BaseHTTPRequestHandler):
    """Answers PURGE as Varnish or Fastly do, and remembers what it was asked."""

    purged: list[tuple[str, str]] = []
    dropped: set[str] = set()  # paths whose PURGE gets no answer: the connection just closes

    answers: dict[str, int] = {}  # paths answered with another status than 200

    def do_PURGE(self):
        if self.path in self.dropped:
            self.close_connection = True
            return
        self.purged.append((self.headers["Host"], self.path))
        self.send_response(self.answers.get(self.path, 200))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingCDN)
    _RecordingCDN.purged, _RecordingCDN.dropped = [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "masthead.pagecache.cdn.HTTPPurgeBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    settings.SITE_URL = "https://news.example"
    yield _RecordingCDN.purged
    server.shutdown()
    server.server_close()


def test_a_cdn_is_purged_of_the_same_pages_as_the_page_cache(newsroom, cdn, django_capture_on_commit_callbacks):
    middle = newsroom["middle"]

    def edit():
        middle.title = "Middle analysis, revised"
        middle.save_revision().publish()

    purged = purged_by(newsroom, edit, django_capture_on_commit_callbacks)

    assert {host for host, _ in cdn} == {"news.example"}
    assert {path for _, path in cdn} == {newsroom["pages"][name] for name in purged}


def test_a_cdn_is_purged_of_every_stored_page_when_settings_change(
    newsroom, cdn, django_capture_on_commit_callbacks, site_tree
):
    from masthead.core.models import SiteSettings

    def rename_site():
        settings = SiteSettings.objects.get(site=site_tree.site)
        settings.tagline = "A new tagline"
        settings.save()

    purged_by(newsroom, rename_site, django_capture_on_commit_callbacks)

    assert {path for _, path in cdn} == set(newsroom["pages"].values())


def test_one_url_the_cdn_fails_on_does_not_keep_the_others_from_it(
    newsroom, cdn, django_capture_on_commit_callbacks, site_tree
):
    """The others are purged at once; that one is kept, and sent again by the worker."""
    from masthead.core.models import SiteSettings
    from masthead.pagecache.models import PendingPurge
    from masthead.pagecache.pending import retry_pending_purges

    _RecordingCDN.dropped = {"/"}

    def rename_site():
        settings = SiteSettings.objects.get(site=site_tree.site)
        settings.tagline = "A new tagline"
        settings.save()

    purged_by(newsroom, rename_site, django_capture_on_commit_callbacks)

    assert {path for _, path in cdn} == set(newsroom["pages"].values()) - {"/"}
    assert list(PendingPurge.objects.values_list("kind", "target")) == [("cdn", "/")]

    _RecordingCDN.dropped = set()
    cdn.clear()
    PendingPurge.objects.update(next_attempt_at=timezone.now())
    assert retry_pending_purges() == 1

    assert cdn == [("news.example", "/")]
    assert not PendingPurge.objects.exists()


def test_a_cdn_that_is_down_is_purged_by_the_retry_once_it_is_up(
    newsroom, settings, django_capture_on_commit_callbacks
):
    """Refused connections (Wagtail's own sender only logs them) and 5xx answers count as
    failures to retry; the edit and the page cache's purge go through meanwhile."""
    from masthead.core.tests.processes import free_port
    from masthead.pagecache.models import PendingPurge
    from masthead.pagecache.pending import retry_pending_purges

    port = free_port()
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "masthead.pagecache.cdn.HTTPPurgeBackend", "LOCATION": f"http://127.0.0.1:{port}"}
    }
    settings.SITE_URL = "https://news.example"
    middle = newsroom["middle"]

    def edit():
        middle.title = "Middle analysis, revised"
        middle.save_revision().publish()

    purged = purged_by(newsroom, edit, django_capture_on_commit_callbacks)
    waiting = set(PendingPurge.objects.filter(kind="cdn").values_list("target", flat=True))

    assert waiting == {newsroom["pages"][name] for name in purged}
    assert "Connection refused" in PendingPurge.objects.first().last_error
    assert b"Middle analysis, revised" in wsgi_request(newsroom["site"], newsroom["pages"]["middle"]).body

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _RecordingCDN)
    _RecordingCDN.purged, _RecordingCDN.dropped = [], set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        PendingPurge.objects.update(next_attempt_at=timezone.now())
        assert retry_pending_purges() == len(waiting)
    finally:
        server.shutdown()
        server.server_close()

    assert {path for _, path in _RecordingCDN.purged} == waiting
    assert not PendingPurge.objects.exists()


def test_a_purge_of_everything_that_fails_half_way_still_tells_the_cdn_what_it_deleted(cdn, monkeypatch):
    """Redis deletes everything a batch (one transaction) at a time. A batch deleted before
    the connection was lost is gone for good: the retry, which finds only the rest, could
    never tell the CDN about it, which kept serving those pages as they were."""
    import redis

    from masthead.pagecache import purge
    from masthead.pagecache.entry import Entry
    from masthead.pagecache.models import PendingPurge
    from masthead.pagecache.pending import purge_or_keep_for_retry
    from masthead.pagecache.tests.helpers import redis_page_store

    with redis_page_store() as store:
        addresses = [f"/news/story-{number}/" for number in range(3)]
        for number, address in enumerate(addresses):
            entry = Entry.build(
                status="200 OK", headers=[("Content-Type", "text/html")], body=b"<p>Story</p>", keys=(f"page-{number}",)
            )
            assert store.put(address, entry, generation=store.generation())
        store.PURGE_BATCH = 2
        # The registry's names in order, pages ("e:") before indexes ("k:"): the first
        # batch is two of the pages.
        names_of = store.client.sscan_iter
        monkeypatch.setattr(store.client, "sscan_iter", lambda key, count: iter(sorted(names_of(key, count=count))))
        batches, delete_batch = [], store._unregister_and_delete

        def lose_redis_after_the_first_batch(names):
            batches.append(names)
            if len(batches) > 1:
                raise redis.ConnectionError("Connection reset by peer")
            return delete_batch(names)

        monkeypatch.setattr(store, "_unregister_and_delete", lose_redis_after_the_first_batch)
        monkeypatch.setattr(purge, "page_store", lambda: store)

        try:
            purge_or_keep_for_retry(everything=True)
        finally:
            monkeypatch.undo()  # Redis "back", so the store can be emptied afterwards

        deleted = {address for address in addresses if store.client.exists(store._entry_key(address)) == 0}
        assert deleted == set(addresses[:2])
        assert {path for _, path in cdn} == deleted
        assert list(PendingPurge.objects.values_list("kind", flat=True)) == ["everything"]  # the rest, retried


def test_a_purge_the_publish_folder_fails_still_tells_the_cdn_what_the_page_cache_deleted(cdn, monkeypatch, tmp_path):
    """With static publishing, a purge clears the page cache, then the folder nginx serves.
    A folder that fails then (a full disk) left the page cache's pages deleted and the
    CDN never told: the retry finds nothing left in the page cache to report."""
    from masthead.pagecache import purge
    from masthead.pagecache.entry import Entry
    from masthead.pagecache.models import PendingPurge
    from masthead.pagecache.pending import purge_or_keep_for_retry
    from masthead.pagecache.stores import FileStore, MirroredStore

    primary, published = FileStore(tmp_path / "pages"), FileStore(tmp_path / "public")
    store = MirroredStore(primary, published)
    entry = Entry.build(
        status="200 OK", headers=[("Content-Type", "text/html")], body=b"<p>Story</p>", keys=("page-7",)
    )
    assert store.put("/news/story/", entry, generation=store.generation())

    def disk_full(keys):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(published, "_advance", disk_full)
    monkeypatch.setattr(purge, "page_store", lambda: store)

    purge_or_keep_for_retry(keys=("page-7",))

    assert primary.get("/news/story/") is None
    assert cdn == [("news.example", "/news/story/")]
    assert list(PendingPurge.objects.values_list("kind", "target")) == [("key", "page-7")]  # the folder's, retried


def _published_pages(tmp_path, addresses):
    from masthead.pagecache.entry import Entry
    from masthead.pagecache.stores import FileStore

    store = FileStore(tmp_path / "public")
    for address in addresses:
        entry = Entry.build(
            status="200 OK", headers=[("Content-Type", "text/html")], body=b"<p>Page</p>", keys=("site",)
        )
        assert store.put(address, entry, generation=store.generation())
    return store


@pytest.mark.parametrize("purge_of", [{"everything": True}, {"keys": ["site"]}], ids=["everything", "by key"])
def test_a_purge_of_published_files_that_fails_half_way_tells_the_cdn_only_what_is_gone(
    cdn, monkeypatch, tmp_path, purge_of
):
    """nginx serves the publish folder as it is: a page the CDN was told of while still on
    disk is fetched again, stale, and kept. So the CDN hears of each page once it is
    deleted, now or in the retry, which finds the rest (a purge of everything by their
    folders; a purge by key in the index it set aside: it used to unlink the index first,
    and the retry of the key found nothing, so the pages stayed served)."""
    from masthead.pagecache import purge
    from masthead.pagecache.models import PendingPurge
    from masthead.pagecache.pending import purge_or_keep_for_retry, retry_pending_purges
    from masthead.pagecache.stores import FileStore

    addresses = ["/", "/news/", "/news/story/"]
    store = _published_pages(tmp_path, addresses)
    deletions, delete = [], FileStore._delete

    def disk_fails_on_the_second_page(body_path, *reporting):
        deletions.append(body_path)
        if len(deletions) == 2:
            raise OSError(5, "Input/output error")
        return delete(body_path, *reporting)

    monkeypatch.setattr(store, "_delete", disk_fails_on_the_second_page)
    monkeypatch.setattr(purge, "page_store", lambda: store)

    def on_disk():
        return {address for address in addresses if (tmp_path / "public" / address.lstrip("/") / "index.html").exists()}

    purge_or_keep_for_retry(**purge_of)

    left = on_disk()
    assert len(left) == 2
    assert {path for _, path in cdn} == set(addresses) - left

    monkeypatch.undo()
    monkeypatch.setattr(purge, "page_store", lambda: store)
    cdn.clear()
    PendingPurge.objects.update(next_attempt_at=timezone.now())
    retry_pending_purges()

    assert not on_disk()
    assert {path for _, path in cdn} == left
    assert not list((tmp_path / "public").glob(".keys/*.purging-*")), "a set-aside index goes once done"


def test_a_page_whose_body_was_deleted_is_reported_even_if_its_companions_fail(cdn, monkeypatch, tmp_path):
    """A page goes from readers with its body; its .meta failing to delete after that
    kept its address from the CDN, which then served the page stale for its s-maxage."""
    import pathlib

    from masthead.pagecache import purge
    from masthead.pagecache.pending import purge_or_keep_for_retry

    store = _published_pages(tmp_path, ["/news/story/"])
    real_unlink, failed = pathlib.Path.unlink, []

    def unlink(path, missing_ok=False):
        if path.name.endswith(".meta") and not failed:
            failed.append(path)
            raise OSError(5, "Input/output error")
        return real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    monkeypatch.setattr(purge, "page_store", lambda: store)
    purge_or_keep_for_retry(keys=["site"])

    assert failed, "the fault was met"
    assert not (tmp_path / "public" / "news" / "story" / "index.html").exists()
    assert {path for _, path in cdn} == {"/news/story/"}


def test_a_cdn_answering_503_is_retried_and_a_404_is_not(newsroom, cdn, django_capture_on_commit_callbacks):
    """nginx's cache purge answers 404 for a page it does not hold: nothing to retry."""
    from masthead.pagecache import cdn as cdn_module

    _RecordingCDN.answers = {"/latest/": 503, "/": 404}
    try:
        failed = cdn_module.send(["/latest/", "/", "/news/"])
    finally:
        _RecordingCDN.answers = {}

    assert set(failed) == {"/latest/"} and "HTTP 503" in failed["/latest/"]


def test_a_page_with_a_non_ascii_address_is_stored_and_purged_under_it(
    newsroom, cdn, django_capture_on_commit_callbacks, page_cache_dir
):
    """PEP 3333 gives the path as latin-1 text of its UTF-8 bytes; the page is stored under
    the address Django reads, in the layout nginx finds, and the CDN is sent it percent-encoded."""
    site, news = newsroom["site"], newsroom["older"].get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        make_article(news.specific, title="Lake story", tags=["Zürich"])
    wsgi_request(site, "/tag/zürich/")
    assert _is_hit(newsroom, "/tag/zürich/")
    assert (page_cache_dir / "tag" / "zürich" / "index.html").exists()
    cdn.clear()

    with django_capture_on_commit_callbacks(execute=True):
        make_article(news.specific, title="Another lake story", tags=["Zürich"])

    assert not _is_hit(newsroom, "/tag/zürich/")
    assert ("news.example", "/tag/z%C3%BCrich/") in cdn


def test_purge_pages_leaves_the_operators_files_in_the_publish_folder(
    site_tree, settings, tmp_path, django_capture_on_commit_callbacks
):
    """`masthead serve` runs purge_pages at every start: only pages the store wrote may go."""
    from django.core.management import call_command

    published = tmp_path / "public"
    (published / "maintenance").mkdir(parents=True)
    (published / "robots.txt").write_text("User-agent: *\n")
    (published / "maintenance" / "index.html").write_text("<p>Back soon</p>")
    settings.MASTHEAD_STATIC_PUBLISH_DIR = published
    page_store.cache_clear()
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    wsgi_request(site, "/latest/")
    assert (published / "latest" / "index.html").exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_pages", stdout=io.StringIO())

    assert not (published / "latest" / "index.html").exists()
    assert (published / "robots.txt").read_text() == "User-agent: *\n"
    assert (published / "maintenance" / "index.html").read_text() == "<p>Back soon</p>"


def test_purge_pages_command_forgets_every_page_and_fragment(newsroom, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    warm(newsroom)
    before = page_store().generation()

    with django_capture_on_commit_callbacks(execute=True):  # the command's transaction commits
        call_command("purge_pages", stdout=io.StringIO())

    assert cached(newsroom) == set()  # (cached() visits each page once: now they are stored again)
    assert page_store().generation() > before


def test_servers_running_different_code_never_share_fragments(monkeypatch):
    """During a rolling deploy two versions share the cache (and the generation)."""
    from masthead.pagecache import fragments
    from masthead.pagecache.memory import clear_every_memory

    monkeypatch.setattr(fragments, "code_version", lambda: "old")
    assert fragments.cached("chrome", lambda: "old markup") == "old markup"
    clear_every_memory()  # the other server's process
    monkeypatch.setattr(fragments, "code_version", lambda: "new")
    assert fragments.cached("chrome", lambda: "new markup") == "new markup"


def test_editing_a_simple_page_purges_it_the_pages_under_it_and_the_pages_sitemap(
    newsroom, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        about = make_simple_page(site_tree.home, title="About us")
        team = make_simple_page(about, title="Our team")
    newsroom["pages"].update({"about": about.url, "team": team.url, "pages sitemap": "/sitemaps/pages.xml"})

    def edit():
        about.title = "About the Ledger"
        about.save_revision().publish()

    # The team page links up to About by its title.
    assert purged_by(newsroom, edit, django_capture_on_commit_callbacks) == {"about", "team", "pages sitemap"}
    assert b"About the Ledger" in wsgi_request(newsroom["site"], about.url).body
