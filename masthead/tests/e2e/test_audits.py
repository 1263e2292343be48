"""Every public page type passes the W3C Nu HTML checker with no errors, and axe-core in
Chromium with no violations (WCAG 2.2 AA and best practices), on a desktop and a phone,
in light and dark colour schemes.

The demo newsroom is loaded once and every page is visited on a desktop and a phone, once
in each colour scheme, before the tests look at the findings: which scheme goes with which
viewport alternates from one page type to the next (COMBINATIONS), so the parts every page
shares (header, menu, footer) are audited in all four combinations, and each page's own
parts in both viewports and both schemes, in half the visits (128 took five minutes of CI); the Nu checker (a JVM that starts slowly) runs
once over every page's HTML together. A page type that later features add joins PAGES.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from masthead.conftest import load_demo_newsroom, service_missing
from masthead.tests.e2e.conftest import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "mobile": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
COLOR_SCHEMES = ("light", "dark")
# For even- and odd-numbered page types in turn: each viewport once, each scheme once.
COMBINATIONS = ((("desktop", "light"), ("mobile", "dark")), (("desktop", "dark"), ("mobile", "light")))
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
PAGES = [
    "home",
    "section",
    "article",
    "article with the next one appended",
    "article with its comments and form open",
    "comment thread",
    "comment form",
    "latest",
    "latest, older page",
    "staff picks",
    "tag",
    "author",
    "trending",
    "trending in a section",
    "privacy note on audience counts",
    "donate",
    "donation form",
    "donation thank you",
    "donation declined or failed",
    "article with the newsletter form open",
    "newsletter signup",
    "newsletter confirmation",
    "newsletter preferences",
    "newsletter unsubscribe",
    "newsletter broken link (400)",
    "search",
    "search results",
    "search without results",
    "search with a wrong date (400)",
    "simple page",
    "not found (404)",
    "broken older link (400)",
]
STATUS = {
    "not found (404)": 404,
    "broken older link (400)": 400,
    "donation declined or failed": 404,
    "newsletter broken link (400)": 400,
    "search with a wrong date (400)": 400,
}
NU_CHECKER = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass
class Findings:
    html_files: dict[str, Path] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    axe: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # page → mode → violations
    nu: dict[str, list[dict]] = field(default_factory=dict)  # page → errors


def _addresses() -> dict[str, str]:
    """A page of each type in the demo newsroom; the article is the one with the most
    kinds of body block (embeds, figures, quotes) that has an older one to append."""
    from taggit.models import Tag

    from masthead.comments.models import Discussion
    from masthead.news.models import ArticlePage, Author, SectionPage, SimplePage
    from masthead.newsletter import links
    from masthead.newsletter.models import Subscriber

    articles = list(ArticlePage.objects.live().order_by("-published_at"))[:-1]
    richest = max(articles, key=lambda article: len({block.block_type for block in article.body}))
    discussed = Discussion.objects.order_by("-approved_count").first()
    discussed_id = discussed.page_id if discussed else richest.pk
    tag = Tag.objects.filter(news_articletag_items__isnull=False).first()
    return {
        "home": "/",
        "section": SectionPage.objects.live().first().url,
        "article": richest.url,
        "article with the next one appended": richest.url,
        "article with its comments and form open": ArticlePage.objects.get(pk=discussed_id).url,
        "comment thread": f"/comments/{discussed_id}/",
        "comment form": f"/comments/{discussed_id}/reply/",
        "latest": "/latest/",
        "staff picks": "/staff-picks/",
        "tag": f"/tag/{tag.slug}/",
        "author": Author.objects.filter(article_links__isnull=False).first().get_absolute_url(),
        "trending": "/trending/",
        "trending in a section": f"/trending/?section={SectionPage.objects.live().first().slug}",
        "privacy note on audience counts": "/privacy/audience/",
        "donate": "/donate/",
        "donation form": "/donations/give/?amount=other&other_amount=30&currency=EUR",
        "donation thank you": "/donations/thank-you/",
        # PayPal's return with an order we never made: the result page's error shape.
        "donation declined or failed": "/donations/return/?token=NOT-OURS",
        "article with the newsletter form open": richest.url,
        "newsletter signup": "/newsletter/",
        "newsletter confirmation": links.path(Subscriber.objects.filter(status="pending").first(), "confirm"),
        "newsletter preferences": links.path(Subscriber.objects.filter(status="confirmed").first(), "preferences"),
        "newsletter unsubscribe": links.path(Subscriber.objects.filter(status="confirmed").first(), "unsubscribe"),
        "newsletter broken link (400)": "/newsletter/preferences/not-a-token/",
        "search": "/search/",
        # A word of the richest article's headline: found, marked, with filters to open.
        "search results": "/search/?" + urlencode({"q": max(richest.title.split(), key=len)}),
        "search without results": "/search/?q=qxzzyqv+harbour",
        "search with a wrong date (400)": "/search/?q=news&since=2026-13-45",
        "simple page": SimplePage.objects.live().first().url,
        "not found (404)": "/no-such-section/no-such-article/",
        "broken older link (400)": "/latest/?older=not-a-cursor",
    }


def _append_next_article(page) -> None:
    page.locator(".continue__link").first.scroll_into_view_if_needed()
    page.locator("main article.article").nth(1).wait_for()


def _open_comments(page) -> None:
    """The reader opens the thread and the form: the page's script fills in the form."""
    page.locator("main .discussion__summary").first.click()
    page.locator("main [data-open-form]").first.click()
    page.locator("main form[data-comment-form] textarea").first.wait_for()


def _open_newsletter_form(page) -> None:
    """The reader clicks the sidebar box's link: the page's script puts the form there."""
    page.locator("aside [data-newsletter] a.button").click()
    page.locator("aside form[data-newsletter-form] input[name='email']").wait_for()


def _visit(
    browser,
    base: str,
    path: str,
    *,
    mode: str,
    scheme: str,
    append: bool,
    open_comments: bool = False,
    open_newsletter: bool = False,
) -> tuple[int, str, list[dict]]:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(**VIEWPORTS[mode], color_scheme=scheme)
    page = context.new_page()
    response = page.goto(base + path)
    html = response.text()
    # Trending and Most read arrive after the page (site.js fills their placeholders):
    # axe looks at them filled in.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-audience-boxes]')).every(n => n.querySelector('ol, p.empty'))"
    )
    # So does the campaign's progress bar in the donate box.
    page.wait_for_function("() => !document.querySelector('[data-donation-progress]:not([data-filled])')")
    if append:
        _append_next_article(page)
        html = "<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML")
    if open_comments:
        _open_comments(page)
        html = "<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML")
    if open_newsletter:
        _open_newsletter_form(page)
        html = "<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    context.close()
    return response.status, html, violations


def _nu_errors(files: dict[str, Path]) -> dict[str, list[dict]]:
    if shutil.which("java") is None:
        service_missing("Java is not installed (apt-get install default-jre-headless)")
    if not NU_CHECKER.exists():
        service_missing("The Nu HTML checker is not installed (npm ci at the repository root)")
    result = subprocess.run(
        ["java", "-jar", str(NU_CHECKER), "--format", "json", "--errors-only", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    by_file = {path.name: page for page, path in files.items()}
    errors = {page: [] for page in files}
    for message in messages:
        errors[by_file[Path(message["url"]).name]].append(message)
    return errors


@pytest.fixture(scope="module")
def findings(django_db_setup, django_db_blocker, live_server, demo_database_copy, chromium_path, tmp_path_factory):
    from django.test import override_settings
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("audited-pages")
    result = Findings()
    with override_settings(MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media"), django_db_blocker.unblock():
        # Before Playwright starts: its event loop would make these ORM calls refuse to run.
        load_demo_newsroom(demo_database_copy)
        addresses = _addresses()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            listing = browser.new_page()
            listing.goto(live_server.url + "/latest/")
            older = listing.locator("a[rel=next]").evaluate("link => link.pathname + link.search")
            addresses["latest, older page"] = older
            for number, name in enumerate(PAGES):
                result.axe[name] = {}
                for mode, scheme in COMBINATIONS[number % 2]:
                    status, html, violations = _visit(
                        browser,
                        live_server.url,
                        addresses[name],
                        mode=mode,
                        scheme=scheme,
                        append=name == "article with the next one appended",
                        open_comments=name == "article with its comments and form open",
                        open_newsletter=name == "article with the newsletter form open",
                    )
                    result.axe[name][f"{mode}, {scheme}"] = violations
                result.status[name] = status
                result.html_files[name] = folder / f"page-{number}.html"
                result.html_files[name].write_text(html)
            browser.close()
    return result


@pytest.fixture(scope="module")
def nu_errors(findings):
    return _nu_errors(findings.html_files)


def _describe_violations(by_mode: dict[str, list[dict]]) -> str:
    lines = []
    for mode, violations in by_mode.items():
        for violation in violations:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"{mode}: {violation['id']} ({violation['impact']}) × {len(violation['nodes'])}: {targets}")
    return "\n".join(lines)


def test_each_page_type_answers_with_its_status(findings):
    """The audits looked at the pages they meant to: each answered as its type does."""
    assert findings.status == {name: STATUS.get(name, 200) for name in PAGES}


@pytest.mark.parametrize("page_type", PAGES)
def test_nu_html_checker_finds_no_errors(nu_errors, page_type):
    """The HTML a reader's browser receives (for an appended article: the page around it)
    is valid HTML."""
    errors = nu_errors[page_type]
    assert errors == [], "\n".join(f"line {e.get('lastLine')}: {e['message']}" for e in errors[:20])


@pytest.mark.parametrize("page_type", PAGES)
def test_axe_finds_no_violations(findings, page_type):
    """axe-core finds nothing against WCAG 2.2 AA or its best practices, on a desktop and a
    phone, in light and dark (the four combinations across neighbouring page types)."""
    by_mode = findings.axe[page_type]
    assert {mode.split(", ")[0] for mode in by_mode} == set(VIEWPORTS)
    assert {mode.split(", ")[1] for mode in by_mode} == set(COLOR_SCHEMES)
    assert all(violations == [] for violations in by_mode.values()), _describe_violations(by_mode)
