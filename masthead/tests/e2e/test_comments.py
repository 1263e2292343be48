"""Readers discuss an article in Chromium: the thread opens under a cached page, the form
arrives from its own URL, and posting, replying, liking and loading more happen without
a reload."""

import pytest
from playwright.sync_api import expect

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
    comment_settings(moderation=ModerationPolicy.FIRST_TIME, min_seconds_to_submit=0, posts_per_minute_per_ip=100)
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
    expect(like).to_have_attribute("aria-pressed", "true")
    assert like.locator("[data-like-count]").inner_text() == "1"

    assert page.evaluate("window.__notReloaded") is True
    assert errors == []


def test_the_form_waits_for_the_first_token_a_reader_is_given(origin, browser, discussed):
    """A first-time reader has no csrftoken cookie, so each request that asks for a token
    makes a new one and the cookie keeps whichever answer came last. The thread's state
    and the form asked at once could disagree and the post be refused (CI on a busy
    machine: a 403). So while the first of them is under way, the other is not asked."""
    base, _ = origin
    article, _ = discussed
    comment_settings(moderation=ModerationPolicy.FIRST_TIME, min_seconds_to_submit=0, posts_per_minute_per_ip=100)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = collect_errors(page)
    held, asked = [], []

    def hold(route):
        held.append(route)  # the state's request waits until let go

    page.on("request", lambda request: asked.append(request.url))
    page.route("**/comments/*/me/**", hold)
    page.goto(base + article.url)
    section = page.locator(f"#comments-{article.pk}")
    section.locator(".discussion__summary").click()
    section.get_by_role("link", name="Leave a Reply").click()
    page.wait_for_timeout(1500)  # ample time for the form's request, were it sent now
    assert held
    assert not [url for url in asked if "/form/" in url]
    for route in held:
        route.continue_()
    page.unroute("**/comments/*/me/**")
    form = section.locator("form[data-comment-form]")
    form.get_by_label("Comment").fill("Is the depot staying where it is?")
    form.get_by_label("Name").fill("Nora Vidal")
    form.get_by_label("Email").fill("nora@example.org")
    form.get_by_role("button", name="Post Comment").click()
    section.locator("[data-own-comments] .comment--own").wait_for()
    assert Comment.objects.filter(author_name="Nora Vidal").exists()
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


def _links_in(message) -> list[str]:
    import re

    return re.findall(r"https?://[^\s<>\"]+", message.body)


def test_a_reply_reaches_the_subscriber_once_after_the_moderator_approves_it(origin, browser, mailoutbox, settings):
    """A guest posts and asks for replies, confirms from the mail; a second guest replies;
    the moderator approves both in the admin; the first guest gets exactly one reply
    mail, and the counts on the article and on the home page's card are current without
    a reload."""
    from django.contrib.auth import get_user_model

    base, _ = origin
    settings.SITE_URL = base
    tree = build_site()
    article = make_article(tree.sections["news"], title="Night buses return to the old town")
    make_article(tree.sections["news"], title="Market square repaved", hours_ago=5)
    comment_settings(moderation=ModerationPolicy.FIRST_TIME, min_seconds_to_submit=0, posts_per_minute_per_ip=100)
    get_user_model().objects.create_superuser("moderator", "moderator@example.org", "a long moderator password")

    first = browser.new_context(viewport={"width": 1280, "height": 900})
    page = first.new_page()
    errors = collect_errors(page)
    page.clock.install()
    page.goto(base + article.url)
    page.evaluate("window.__notReloaded = true")
    section = page.locator(f"#comments-{article.pk}")
    section.locator(".discussion__summary").click()
    section.get_by_role("link", name="Leave a Reply").click()
    form = section.locator("form[data-comment-form]")
    form.get_by_label("Comment").fill("About time. Do they stop at the station?")
    form.get_by_label("Name").fill("Ines Moreau")
    form.get_by_label("Email").fill("ines@example.org")
    form.get_by_label("Notify me of").select_option("replies")
    form.get_by_role("button", name="Post Comment").click()
    section.locator("[data-own-comments] .comment--own").wait_for()

    (confirmation,) = [message for message in mailoutbox if message.to == ["ines@example.org"]]
    confirm_link = next(link for link in _links_in(confirmation) if "/notify/confirm/" in link)
    confirm_page = first.new_page()
    confirm_page.goto(confirm_link)
    confirm_page.get_by_role("button", name="Confirm").click()
    confirm_page.wait_for_load_state()

    moderator = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = moderator.new_page()
    admin.goto(base + "/admin/login/")
    admin.get_by_label("Username").fill("moderator")
    admin.get_by_label("Password").fill("a long moderator password")
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/admin/")

    from masthead.comments.wagtail_hooks import queue_url

    queue = base + queue_url()

    def approve(author_name: str) -> None:
        admin.goto(queue)
        admin.get_by_role("link", name=f"Approve the comment by {author_name}").click()
        admin.get_by_role("button", name="Approve").click()
        admin.wait_for_load_state()

    approve("Ines Moreau")
    ines = Comment.objects.get(author_name="Ines Moreau")
    assert ines.status == Comment.Status.APPROVED

    second = browser.new_context(viewport={"width": 1280, "height": 900})
    other = second.new_page()
    other.goto(base + article.url)
    thread = other.locator(f"#comments-{article.pk}")
    thread.locator(".discussion__summary").click()
    thread.locator(f"#comment-{ines.pk} .comment__reply").click()
    reply_form = thread.locator(f"#comment-{ines.pk} form[data-comment-form]")
    reply_form.get_by_label("Comment").fill("Yes, every twenty minutes until two.")
    reply_form.get_by_label("Name").fill("Paul Weber")
    reply_form.get_by_label("Email").fill("paul@example.org")
    reply_form.get_by_role("button", name="Post Comment").click()
    thread.locator("[data-own-comments] .comment--own").wait_for()
    assert [m for m in mailoutbox if m.to == ["ines@example.org"]] == [confirmation]  # not before approval

    approve("Paul Weber")
    replies_to_ines = [m for m in mailoutbox if m.to == ["ines@example.org"] and m is not confirmation]
    assert len(replies_to_ines) == 1 and "Paul Weber" in replies_to_ines[0].subject
    assert all(m.to != ["paul@example.org"] for m in mailoutbox)

    # The first reader's page, still open, catches up on its own; the home page's cards
    # ask for their counts (a short-lived answer: at most 15 seconds old, by design).
    page.clock.fast_forward(25_000)
    expect(section.locator("[data-comment-count]")).to_have_text("2")
    assert page.evaluate("window.__notReloaded") is True
    home = second.new_page()
    home.goto(base + "/")
    card_count = home.locator(f'[data-comment-count-for="{article.pk}"]').first
    card_count.wait_for()
    assert card_count.inner_text() == "2 comments"
    assert errors == []
