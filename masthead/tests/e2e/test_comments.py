"""Readers discuss an article in Chromium: the thread opens under a cached page, the form
arrives from its own URL, and posting, replying, liking and loading more happen without
a reload."""

import pytest

from masthead.comments.models import Comment, ModerationPolicy
from masthead.comments.tests.factories import comment_settings, open_settings, post_comment
from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def discussed():
    tree = build_site()
    article = make_article(tree.sections["news"], title="Tram line extension approved")
    make_article(tree.sections["news"], title="An older story", hours_ago=30)
    settings = open_settings(min_seconds_to_submit=0)
    first = post_comment(
        article, name="Maria Keller", body="Finally. The east side waited long enough.", settings=settings
    )
    post_comment(article, name="Tom Okafor", parent=first, body="Ten years, to be exact.", settings=settings)
    for number in range(24):
        post_comment(article, name=f"Reader {number}", body=f"Comment {number} on the tram.", settings=settings)
    return article, first


def collect_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_a_guest_posts_replies_and_likes_without_a_reload(origin, browser, discussed):
    base, _ = origin
    article, first = discussed
    comment_settings(moderation=ModerationPolicy.FIRST_TIME, min_seconds_to_submit=0)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = collect_errors(page)
    page.goto(base + article.url)
    page.goto(base + article.url)  # the second read is the page cache's
    marker = page.evaluate("window.__notReloaded = true")
    assert marker is True

    section = page.locator(f"#comments-{article.pk}")
    assert not section.locator(".discussion__body").is_visible()  # collapsed until asked
    section.locator(".discussion__summary").click()
    assert section.locator("[data-comment-count]").inner_text() == "26"
    assert section.locator("[data-comment-list] > ol.comments > li.comment").count() == 20

    section.get_by_role("link", name="Load more comments").click()
    section.locator("[data-comment-list] > ol.comments > li.comment").nth(20).wait_for()
    assert section.locator("[data-comment-list] > ol.comments > li.comment").count() == 25

    section.get_by_role("link", name="Leave a Reply").click()
    form = section.locator("form[data-comment-form]")
    form.get_by_label("Comment").fill("Will the trams run at night too?")
    form.get_by_label("Name").fill("Lena Berg")
    form.get_by_label("Email").fill("lena@example.org")
    form.get_by_role("button", name="Post Comment").click()
    own = section.locator("[data-own-comments] .comment--own")
    own.wait_for()
    assert "Awaiting moderation" in own.inner_text()
    assert "once a moderator has approved it" in form.locator("[data-form-status]").inner_text()

    reply_link = section.locator(f"#comment-{first.pk} .comment__reply").first
    reply_link.click()
    reply_form = section.locator(f"#comment-{first.pk} form[data-comment-form]")
    reply_form.get_by_label("Comment").fill("And on Sundays?")
    reply_form.get_by_label("Name").fill("Lena Berg")
    reply_form.get_by_label("Email").fill("lena@example.org")
    reply_form.get_by_role("button", name="Post Comment").click()
    section.locator("[data-own-comments] .comment--own").nth(1).wait_for()
    reply = Comment.objects.get(body="And on Sundays?")
    assert reply.parent_id == first.pk and reply.status == Comment.Status.PENDING

    like = section.locator(f'[data-like="{first.pk}"]')
    like.click()
    page.wait_for_function(
        f"document.querySelector('[data-like=\"{first.pk}\"]').getAttribute('aria-pressed') === 'true'"
    )
    assert like.locator("[data-like-count]").inner_text() == "1"

    assert page.evaluate("window.__notReloaded") is True
    assert errors == []


def test_without_script_the_links_and_the_form_post_work(origin, browser, discussed):
    base, _ = origin
    article, _ = discussed
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + article.url)
    page.locator(f"#comments-{article.pk} .discussion__summary").click()
    page.locator(f"#comments-{article.pk}").get_by_role("link", name="Leave a Reply").click()
    page.wait_for_url("**/comments/*/reply/**")
    page.get_by_label("Comment").fill("Good news for the east side.")
    page.get_by_label("Name").fill("Sam Ortiz")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**sent=*")
    assert "your comment is published" in page.locator("#sent").inner_text().lower()
    page.get_by_role("link", name="See it in the discussion").click()
    assert page.locator("text=Good news for the east side.").count() == 1
    context.close()
