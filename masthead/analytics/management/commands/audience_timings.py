"""`masthead audience_timings`: how long the audience dashboard's pages take to render,
signed in as an editor, on the database configured (the bench runs it on the generated
100,000 articles; run it alone on any site the same way). Prints JSON.

First the worker's periodic job that builds the last 365 days' tables runs, as it does
every ten minutes on a served site (its time is reported apart). Each page is then asked
once (reported as `first_ms`: templates, the Site and the permission cache are made
then), and `--runs` times more; the median and the slowest of those are reported in
milliseconds.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.test import Client, override_settings

from masthead.analytics.reports import ARTICLE_MODEL, warm_year_reports

BENCH_USERNAME = "audience-timings"


def _pages() -> dict[str, str]:
    from django.apps import apps
    from django.db.models import Max

    from masthead.analytics.models import PageViewTotal

    section = apps.get_model("news.SectionPage").objects.live().order_by("pk").first()
    author_id = apps.get_model("news.Author").objects.order_by("pk").values_list("pk", flat=True).first()
    busiest = PageViewTotal.objects.aggregate(most=Max("views"))["most"]
    article = (
        PageViewTotal.objects.filter(views=busiest).values_list("page_id", flat=True).first()
        if busiest
        else apps.get_model(ARTICLE_MODEL).objects.values_list("pk", flat=True).first()
    )
    pages = {
        "site, last 30 days (top, referrers, ads)": "/admin/audience/",
        "site, last 365 days": "/admin/audience/?period=year",
        "site, last 24 hours": "/admin/audience/?period=day",
        "article, last 365 days": f"/admin/audience/?period=year&chart=article&article={article}",
    }
    if section is not None:
        pages["section, last 30 days"] = f"/admin/audience/?period=month&chart=section&section={section.pk}"
    if author_id is not None:
        pages["author, last 365 days"] = f"/admin/audience/?period=year&chart=author&author={author_id}"
    return pages


class Command(BaseCommand):
    help = "Time the audience dashboard's pages, signed in as an editor; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs, **options):
        user, _ = get_user_model().objects.get_or_create(
            username=BENCH_USERNAME, defaults={"email": "audience-timings@localhost", "is_active": True}
        )
        user.groups.add(Group.objects.get(name="Editors"))
        started = time.perf_counter()
        warm_year_reports()
        results = {
            "worker: the year's tables (every 10 minutes)": {"ms": round((time.perf_counter() - started) * 1000)}
        }
        # The test client's host and plain HTTP: production settings would refuse both.
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            client = Client()
            client.force_login(user)
            for name, path in _pages().items():
                started = time.perf_counter()
                if client.get(path).status_code != 200:
                    raise SystemExit(f"{path} did not answer 200")
                first_ms = (time.perf_counter() - started) * 1000
                timings = []
                for _ in range(max(runs, 1)):
                    started = time.perf_counter()
                    client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                results[name] = {
                    "first_ms": round(first_ms, 1),
                    "median_ms": round(statistics.median(timings), 1),
                    "max_ms": round(max(timings), 1),
                }
        self.stdout.write(json.dumps(results))
