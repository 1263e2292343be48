"""The worker's periodic jobs run on a timer, and its first round on a new data folder
only looks around: it purges nothing."""

import threading
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone

from masthead.ads.models import AdCreative, AdSlot
from masthead.core import periodic
from masthead.news.tests.factories import make_article
from masthead.pagecache.purge import page_store
from masthead.pagecache.tests.helpers import wsgi_request
from masthead.pagecache.wsgi import PageCacheApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_the_test_connection(monkeypatch):
    """The test's transaction lives on its connection, which each round would otherwise
    close (as wsgi_request keeps it for a request)."""
    monkeypatch.setattr(periodic, "close_old_connections", lambda: None)


def one_round() -> None:
    stop = threading.Event()
    periodic.run_forever(stop, after_first_round=stop.set)


def test_the_workers_first_round_on_a_fresh_data_folder_purges_nothing(
    site_tree, keep_the_test_connection, django_capture_on_commit_callbacks
):
    """Nothing remembered yet about the chosen ads (a new data folder): the first round
    remembers the choice, and a page stored before it is still served from the cache."""
    AdCreative.objects.create(slot=AdSlot.objects.get(placement="sidebar"), name="House ad", html="<p>Subscribe</p>")
    article = make_article(site_tree.sections["news"])
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    wsgi_request(site, article.url)
    assert wsgi_request(site, article.url).header("x-cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        one_round()

    assert wsgi_request(site, article.url).header("x-cache") == "hit"


def test_a_round_after_an_ad_starts_purges_every_page(
    site_tree, keep_the_test_connection, django_capture_on_commit_callbacks
):
    """Once the choice is remembered, a creative whose start time has come changes it,
    and the next round purges the pages that show the old one."""
    soon = AdCreative.objects.create(
        slot=AdSlot.objects.get(placement="sidebar"),
        name="Winter appeal",
        html="<p>Give</p>",
        starts_at=timezone.now() + timedelta(hours=1),
    )
    article = make_article(site_tree.sections["news"])
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    with django_capture_on_commit_callbacks(execute=True):
        one_round()
    wsgi_request(site, article.url)
    assert wsgi_request(site, article.url).header("x-cache") == "hit"

    AdCreative.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        one_round()

    assert wsgi_request(site, article.url).header("x-cache") == "miss"


def test_after_first_round_is_called_once_every_job_has_run(keep_the_test_connection):
    """The worker tells `masthead serve` it is ready only after each job ran once."""
    ran = []
    stop = threading.Event()
    jobs = [periodic.PeriodicJob(name, 30, lambda name=name: ran.append(name)) for name in ("first", "second")]

    periodic.run_forever(stop, jobs, after_first_round=lambda: (ran.append("ready"), stop.set()))

    assert ran == ["first", "second", "ready"]


@pytest.fixture
def cache_on_a_redis_of_its_own(settings, tmp_path):
    """The shared cache on a redis-server the test may restart, as in scale-out."""
    from masthead.core.tests.processes import RedisServer

    redis = RedisServer(tmp_path / "redis").start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url},
    }
    yield redis
    redis.stop(keep_data=False)


def test_a_round_after_a_redis_restart_purges_nothing_when_no_ad_changed(
    site_tree, keep_the_test_connection, django_capture_on_commit_callbacks, cache_on_a_redis_of_its_own
):
    """What the worker last saw chosen is kept in the database: a Redis that came back
    empty makes it neither forget it nor purge every page."""
    AdCreative.objects.create(slot=AdSlot.objects.get(placement="sidebar"), name="House ad", html="<p>Subscribe</p>")
    article = make_article(site_tree.sections["news"])
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    with django_capture_on_commit_callbacks(execute=True):
        one_round()
    wsgi_request(site, article.url)

    cache_on_a_redis_of_its_own.restart(lose=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        one_round()

    assert callbacks == []
    assert wsgi_request(site, article.url).header("x-cache") == "hit"


def test_an_ad_that_starts_while_redis_restarts_is_not_missed(
    site_tree, keep_the_test_connection, django_capture_on_commit_callbacks, cache_on_a_redis_of_its_own
):
    """A worker whose remembered choice lived in the cache lost it with the restart, took
    the new choice for its first look, and left pages showing the old ad until the next
    edit."""
    soon = AdCreative.objects.create(
        slot=AdSlot.objects.get(placement="sidebar"),
        name="Winter appeal",
        html="<p>Give</p>",
        starts_at=timezone.now() + timedelta(hours=1),
    )
    article = make_article(site_tree.sections["news"])
    site = PageCacheApplication(WSGIHandler(), store=page_store())
    with django_capture_on_commit_callbacks(execute=True):
        one_round()
    wsgi_request(site, article.url)
    assert wsgi_request(site, article.url).header("x-cache") == "hit"

    cache_on_a_redis_of_its_own.restart(lose=True)
    AdCreative.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        one_round()

    response = wsgi_request(site, article.url)
    assert response.header("x-cache") == "miss"
    assert f'data-ad-creative="{soon.pk}"'.encode() in response.body
