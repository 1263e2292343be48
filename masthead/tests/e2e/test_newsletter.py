"""A reader subscribes in Chromium from the sidebar box of a cached article, the
confirmation mail reaches a real SMTP server (aiosmtpd), the reader opens its link and
confirms with the button, then unsubscribes from the preferences page. And the same
signup without script, through the plain link and form."""

import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from masthead.news.tests.factories import build_site, make_article
from masthead.newsletter.models import NewsletterSettings, Subscriber, SubscriberStatus
from masthead.newsletter.tests.factories import make_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsletter_site(origin, smtp_inbox, settings):
    base, _ = origin
    settings.SITE_URL = base  # the links in the mail lead back here
    tree = build_site()
    NewsletterSettings.objects.get_or_create(site=tree.site)
    make_lists(tree.site)
    article = make_article(tree.sections["news"], title="Harbour dredging starts")
    return base, article


def collect_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def the_one_mail(inbox, to: str):
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == [to]
    return email.message_from_bytes(envelope.original_content, policy=policy.default)


def link_in(message, purpose: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"https?://\S+/newsletter/{purpose}/\S+/", text).group(0)


def test_a_reader_subscribes_from_the_sidebar_confirms_from_the_mail_and_unsubscribes(
    newsletter_site, browser, smtp_inbox
):
    base, article = newsletter_site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = collect_errors(page)
    page.goto(base + article.url)
    response = page.goto(base + article.url)  # the page cache's copy
    assert "csrftoken" not in response.headers.get("set-cookie", "")

    box = page.locator("aside.sidebar [data-newsletter]")
    box.get_by_role("link", name="Subscribe").click()
    email_field = box.get_by_label("Your email address")
    expect(email_field).to_be_focused()  # the form took the link's place, and the focus
    expect(box.get_by_label("The Morning Briefing")).to_be_checked()
    email_field.fill("ada@example.org")
    box.get_by_label("Breaking news").uncheck()
    box.get_by_role("button", name="Subscribe").click()

    page.wait_for_url(base + "/newsletter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    mail = the_one_mail(smtp_inbox, "ada@example.org")

    page.goto(link_in(mail, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING  # opening the link is not confirming
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert set(subscriber.lists.values_list("slug", flat=True)) == {"morning", "week"}

    page.get_by_role("link", name="Your preferences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your newsletters")
    page.get_by_role("button", name="Unsubscribe from all").click()
    expect(page.get_by_role("status")).to_contain_text("You are unsubscribed from every newsletter")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert len(smtp_inbox.envelopes) == 1  # nothing but the confirmation was ever sent
    assert errors == []


def test_without_script_the_box_leads_to_a_form_that_works(newsletter_site, browser, smtp_inbox):
    base, article = newsletter_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + article.url)

    page.locator("main [data-newsletter]").get_by_role("link", name="Get our newsletter").click()
    page.wait_for_url(base + "/newsletter/")
    page.get_by_label("Your email address").fill("ben@example.org")
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert "/newsletter/confirm/" in link_in(the_one_mail(smtp_inbox, "ben@example.org"), "confirm")
    context.close()
