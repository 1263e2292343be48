"""A reader donates in Chromium against Masthead's local PayPal sandbox: the amount is
chosen on the cached donate page, approved at the sandbox, and the reader lands on the
thank-you page; the editor sees the donation in the admin and the receipt reaches a real
SMTP server."""

import email
from email import policy

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from masthead.analytics.models import AnalyticsSettings
from masthead.donations.models import Donation, DonationSettings, DonationState
from masthead.news.tests.factories import build_site, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def donating_site(origin, paypal_sandbox, smtp_inbox, settings):
    base, _ = origin
    settings.SITE_URL = base  # where PayPal sends the reader back
    paypal_sandbox.webhook_url = base + "/donations/paypal/webhook/"
    tree = build_site()
    # A configured site has its settings rows: made on first use, two of the page's own
    # concurrent requests (its counts and boxes) could otherwise race to create them.
    AnalyticsSettings.objects.get_or_create(site=tree.site)
    DonationSettings.objects.get_or_create(site=tree.site)
    make_article(tree.sections["news"], title="Harbour dredging starts")
    return base, tree


def collect_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_a_reader_gives_25_usd_and_the_editor_and_the_inbox_see_it(donating_site, browser, paypal_sandbox, smtp_inbox):
    base, _ = donating_site
    get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = collect_errors(page)

    page.goto(base + "/donate/")
    page.goto(base + "/donate/")  # the page cache's copy
    chooser = page.locator("main form.donate-form")
    expect(chooser.get_by_label("Slide to choose an amount")).to_be_visible()  # donate.js is there
    chooser.get_by_label("Currency").select_option("USD")
    chooser.locator("label.donate-preset", has_text="25").click()
    expect(chooser.locator("[data-donate-output]")).to_have_text("25 USD")
    chooser.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/donations/give/**")
    form = page.locator("form[data-donate-form]")
    expect(form.locator("input[name=amount][value='25']")).to_be_checked()
    form.get_by_label("Name", exact=True).fill("Ada Reader")
    form.get_by_label("Email for your receipt").fill("ada@example.org")
    form.get_by_label("Public message").fill("Keep the harbour stories coming.")
    form.get_by_role("button", name="Continue to PayPal").click()

    page.wait_for_url(paypal_sandbox.base_url + "/checkoutnow**")
    expect(page.locator(".amount")).to_have_text("25.00 USD")
    page.get_by_role("button", name="Pay", exact=True).click()

    page.wait_for_url(base + "/donations/thank-you/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    paypal_sandbox.wait_for_deliveries()  # PayPal's own webhook about the capture, too

    donation = Donation.objects.get()
    assert (donation.state, str(donation.amount), donation.currency) == (DonationState.COMPLETED, "25.00", "USD")
    assert donation.name == "Ada Reader" and donation.message == "Keep the harbour stories coming."

    (envelope,) = smtp_inbox.envelopes  # one receipt, though the return and the webhook both said so
    receipt = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert envelope.rcpt_tos == ["ada@example.org"] and "$25" in receipt["Subject"]
    assert donation.capture_id in receipt.get_body(preferencelist=("plain",)).get_content()

    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Donations").first.click()
    row = page.locator("#donations-list ~ table tbody tr, section:has(#donations-list) tbody tr").first
    expect(row).to_contain_text("$25")
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("Ada Reader")
    assert errors == []


def test_quick_donate_goes_straight_to_paypal_from_a_cached_article(donating_site, browser, paypal_sandbox):
    base, tree = donating_site
    article = tree.sections["news"].get_children().live().first().specific
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = collect_errors(page)
    page.goto(base + article.url)
    page.locator(".sidebar").get_by_role("button", name="Quick donate €10").click()

    page.wait_for_url(paypal_sandbox.base_url + "/checkoutnow**")
    expect(page.locator(".amount")).to_have_text("10.00 EUR")
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(base + "/donations/cancelled/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Donation cancelled")
    assert Donation.objects.get().state == DonationState.CREATED  # reconcile abandons it after a day
    assert errors == []


def test_a_declined_card_is_tried_again_at_paypal(donating_site, browser, paypal_sandbox):
    base, _ = donating_site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "/donations/give/?amount=10&currency=GBP")
    page.get_by_role("button", name="Continue to PayPal").click()
    page.wait_for_url(paypal_sandbox.base_url + "/checkoutnow**")
    page.get_by_role("button", name="Pay — card declined").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment was declined")
    page.get_by_role("link", name="Try again at PayPal").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(base + "/donations/thank-you/")
    assert Donation.objects.get().state == DonationState.COMPLETED
