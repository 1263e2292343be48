"""Which ids a beacon may count: live, public pages and existing ad creatives, kept by
each worker so a beacon in Redis mode asks the database nothing.

The lists are read again every `REFRESH_SECONDS`, and sooner (at most every
`MISS_REFRESH_SECONDS`) when a beacon names an id they lack: a page published a moment
ago is counted within seconds, and beacons with made-up ids cost at most one read per
few seconds.
"""

from __future__ import annotations

import threading
import time

from django.apps import apps

REFRESH_SECONDS = 60.0
MISS_REFRESH_SECONDS = 5.0


class KnownIds:
    def __init__(self, load):
        self._load = load
        self._ids: frozenset[int] = frozenset()
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def __contains__(self, object_id: int) -> bool:
        age = time.monotonic() - self._loaded_at
        if age >= REFRESH_SECONDS or (object_id not in self._ids and age >= MISS_REFRESH_SECONDS):
            self._refresh()
        return object_id in self._ids

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._loaded_at < MISS_REFRESH_SECONDS:
                return  # another thread just read them
            self._ids = frozenset(self._load())
            self._loaded_at = time.monotonic()

    def forget(self) -> None:
        self._loaded_at = float("-inf")


def _public_page_ids():
    page_model = apps.get_model("wagtailcore", "Page")
    # public(): no view restriction on the page or an ancestor (those pages are never in
    # the page cache and a count would tell who reads them).
    return page_model.objects.live().public().filter(depth__gt=1).values_list("pk", flat=True).iterator()


def _creative_ids():
    return apps.get_model("ads", "AdCreative").objects.values_list("pk", flat=True).iterator()


pages = KnownIds(_public_page_ids)
creatives = KnownIds(_creative_ids)


def reset_for_tests() -> None:
    pages.forget()
    creatives.forget()
