"""Script payloads in comments, in a real Chromium: on the article, on the thread page
and in a reader's own comment put in by the page's script, none runs and none trips the
Content Security Policy (which would mean markup got through and was only stopped by it)."""

import pytest

from masthead.comments import services
from masthead.comments.models import Comment
from masthead.comments.tests.factories import open_settings
from masthead.comments.tests.hostile import XSS
from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def hostile_thread():
    tree = build_site()
    article = make_article(tree.sections["news"], title="Harbour dredging starts")
    settings = open_settings(min_seconds_to_submit=0, max_links=1000)
    for number, payload in enumerate(XSS):
        services.comment_create(
            page=article,
            author=services.Author(
                name=payload, email=f"r{number}@example.org", url="https://example.org/" + payload.replace(" ", "%20")
            ),
            body=payload,
            settings=settings,
        )
    return article


def watched_page(browser):
    page = browser.new_page()
    seen = {"dialogs": [], "csp": [], "errors": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen["csp"].append(message.text),
    )
    page.add_init_script(WATCH)
    return page, seen


def assert_no_script_ran(page, seen):
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__csp") == []
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_payloads_in_a_thread_never_run(live_server, browser, hostile_thread):
    page, seen = watched_page(browser)
    page.goto(live_server.url + hostile_thread.url)
    page.locator(".comment__body").first.wait_for(state="attached")
    assert page.locator("li.comment").count() == min(len(XSS), 20)
    assert_no_script_ran(page, seen)
    page.goto(live_server.url + f"/comments/{hostile_thread.pk}/")
    shown = page.locator("li.comment").count()
    assert_no_script_ran(page, seen)
    page.goto(live_server.url + page.locator(".comments__more a").get_attribute("href"))
    assert page.locator("li.comment").count() == len(XSS) - shown
    assert "<script>window.__xss=1</script>" in page.locator("main").inner_text()  # shown as text, not run
    assert_no_script_ran(page, seen)


def test_a_payload_posted_from_the_page_is_shown_back_without_running(live_server, browser, hostile_thread):
    page, seen = watched_page(browser)
    page.goto(live_server.url + f"/comments/{hostile_thread.pk}/reply/")
    page.fill("input[name=name]", "<img src=x onerror=window.__xss=1>")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("textarea[name=body]", '"><script>window.__xss=1</script><svg onload=alert(1)>')
    page.locator("form[data-comment-form] button[type=submit]").click()  # not the header's search
    page.locator(".comment--own").wait_for()  # put in by the script, or on the page a plain post lands on
    assert "<script>" in page.locator(".comment--own .comment__body").inner_text()
    page.goto(live_server.url + hostile_thread.url)
    page.locator(".comment__body").first.wait_for(state="attached")
    assert Comment.objects.filter(author_name="<img src=x onerror=window.__xss=1>").exists()
    assert_no_script_ran(page, seen)
