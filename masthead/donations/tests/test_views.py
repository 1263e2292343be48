"""Readers' donation pages: cacheable where public, the token only in uncached answers,
the whole redirect flow through the local PayPal sandbox, and refusals that never 500."""

from decimal import Decimal

import html5lib
import pytest
from django.test import Client

from masthead.core.models import SiteSettings
from masthead.donations.models import Donation, DonationState
from masthead.donations.tests.factories import donation_settings, make_donation, return_path
from masthead.news.tests.factories import make_article
from masthead.pagecache.tests.helpers import assert_cacheable
from masthead.paypal_sandbox.tests.browsing import approve

pytestmark = pytest.mark.django_db


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _token(client: Client) -> str:
    return client.get("/donations/token/").json()["csrf"]


def _start(client: Client, **fields):
    data = {
        "amount": "25",
        "currency": "USD",
        "email": "ada@example.org",
        "name": "Ada",
        "csrfmiddlewaretoken": _token(client),
    }
    data.update(fields)
    return client.post("/donations/start/", data)


def _parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


@pytest.mark.parametrize("path", ["/donate/", "/donations/thank-you/", "/donations/pending/", "/donations/cancelled/"])
def test_public_donation_pages_are_cacheable_and_carry_no_token(client, site_tree, paypal_sandbox, path):
    response = client.get(path)
    assert_cacheable(response)
    assert b"csrfmiddlewaretoken" not in response.content


def test_pages_with_the_donate_box_stay_cacheable(client, site_tree, paypal_sandbox):
    article = make_article(site_tree.sections["news"], title="Harbour dredging starts")
    for url in ("/", article.url, site_tree.sections["news"].url):
        response = client.get(url)
        assert_cacheable(response)
        text = response.content.decode()
        assert "Quick donate €10" in text and "csrfmiddlewaretoken" not in text
        if url != "/":  # the home page's band is kept short; the sidebar's box says it
            assert "Demo payments — no money moves" in text


def test_the_donate_page_works_without_script_as_radio_buttons_and_a_number(client, site_tree, paypal_sandbox):
    document = _parse(client.get("/donate/"))
    form = document.find(".//form[@action='/donations/give/']")
    assert form.get("method") == "get"
    presets = [radio.get("value") for radio in form.iterfind(".//input[@name='amount']")]
    assert presets == ["5", "10", "25", "50", "100", "other"]
    number = form.find(".//input[@name='other_amount']")
    assert (number.get("min"), number.get("max")) == ("5", "100")
    assert {option.get("value") for option in form.iterfind(".//select[@name='currency']/option")} == {
        "USD",
        "EUR",
        "GBP",
    }
    assert form.find(".//fieldset/legend").text == "Amount"


def test_the_form_page_is_never_cached_and_keeps_the_choice(client, site_tree, paypal_sandbox):
    response = client.get("/donations/give/?amount=other&other_amount=42&currency=GBP")
    assert response["Cache-Control"] == "private, no-store"
    document = _parse(response)
    assert document.find(".//input[@name='csrfmiddlewaretoken']") is not None
    assert document.find(".//input[@name='other_amount']").get("value") == "42"
    assert document.find(".//option[@value='GBP']").get("selected") is not None


def test_a_post_without_the_token_is_refused(site_tree, paypal_sandbox):
    response = _csrf_client().post("/donations/start/", {"amount": "25", "currency": "USD"})
    assert response.status_code == 403
    assert not Donation.objects.exists()


def test_donating_25_usd_end_to_end_over_the_redirects(site_tree, paypal_sandbox, django_capture_on_commit_callbacks):
    from django.core import mail

    client = _csrf_client()
    started = _start(client)
    assert started.status_code == 303 and started["Location"].startswith(paypal_sandbox.base_url + "/checkoutnow")
    back = approve(started["Location"], "Pay")
    with django_capture_on_commit_callbacks(execute=True):
        returned = client.get(return_path(back))
    assert returned.status_code == 303 and returned["Location"] == "/donations/thank-you/"
    donation = Donation.objects.get()
    assert (donation.state, donation.amount, donation.currency) == (DonationState.COMPLETED, Decimal("25.00"), "USD")
    assert len(mail.outbox) == 1
    assert client.get(return_path(back)).status_code == 303  # a reload changes nothing
    assert len(mail.outbox) == 1


def test_the_script_gets_json(site_tree, paypal_sandbox):
    client = _csrf_client()
    token = _token(client)
    answer = client.post(
        "/donations/start/",
        {"amount": "other", "other_amount": "12.50", "currency": "EUR"},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert answer.json()["redirect"].startswith(paypal_sandbox.base_url)
    assert Donation.objects.get().amount == Decimal("12.50")


def test_quick_donate_takes_the_sites_amount_whatever_is_posted(site_tree, paypal_sandbox):
    client = _csrf_client()
    assert _start(client, quick="1", amount="9999", currency="USD").status_code == 303
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency) == (Decimal("10.00"), "EUR")


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": "1"},
        {"amount": "101"},
        {"currency": "JPY"},
        {"amount": "ten"},
        {"amount": "nan"},
        {"amount": "other", "other_amount": "inf"},
        {"email": "not an address"},
    ],
)
def test_bad_input_is_refused_on_the_page_without_a_row(site_tree, paypal_sandbox, fields):
    response = _start(_csrf_client(), **fields)
    assert response.status_code == 400
    assert response["Cache-Control"] == "private, no-store"
    assert _parse(response).find(".//*[@role='alert']") is not None
    assert not Donation.objects.exists()


def test_what_readers_type_is_escaped(site_tree, paypal_sandbox):
    response = _start(_csrf_client(), amount="1", name="<script>alert(1)</script>", message="<b>hi</b>")
    assert b"<script>alert(1)" not in response.content and b"&lt;script&gt;" in response.content


def test_order_creation_is_rate_limited_per_address(site_tree, paypal_sandbox):
    client = _csrf_client()
    answers = [_start(client).status_code for _ in range(11)]
    assert answers[:10] == [303] * 10 and answers[10] == 429
    assert Donation.objects.count() == 10


@pytest.mark.parametrize("query", ["", "?token=", "?token=NOPE", "?token=%00", "?token=" + "A" * 300])
def test_a_tampered_return_captures_nothing_and_answers_a_page(site_tree, paypal_sandbox, query):
    make_donation(site_tree.site, provider_order_id="REAL0RDER")
    response = Client().get("/donations/return/" + query)
    assert response.status_code == 404 and b"could not find this donation" in response.content
    assert Donation.objects.get().state == DonationState.CREATED


def test_a_declined_card_shows_try_again_at_paypal(site_tree, paypal_sandbox):
    client = _csrf_client()
    back = approve(_start(client)["Location"], "Pay — card declined")
    response = client.get(return_path(back))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    link = _parse(response).find(".//a[@class='button']")
    assert link.text == "Try again at PayPal" and link.get("href").startswith(paypal_sandbox.base_url)


def test_a_pending_capture_lands_on_the_pending_page(site_tree, paypal_sandbox):
    client = _csrf_client()
    back = approve(_start(client)["Location"], "Pay — payment pending")
    assert client.get(return_path(back))["Location"] == "/donations/pending/"
    assert b"pending" in client.get("/donations/pending/").content


def test_cancel_goes_to_the_cancelled_page(site_tree, paypal_sandbox):
    response = Client().get("/donations/cancel/?token=ANY")
    assert response.status_code == 303 and response["Location"] == "/donations/cancelled/"


def test_the_campaign_bar_is_short_lived_and_counts_this_months_money(client, site_tree, paypal_sandbox):
    donation_settings(site_tree.site, goal_amount=Decimal("5000"), goal_currency="EUR")
    make_donation(
        site_tree.site,
        amount=Decimal("3200"),
        currency="EUR",
        state=DonationState.COMPLETED,
        capture_id="C1",
        completed_at="2000-01-01T00:00:00Z",
    )  # another month
    paid = make_donation(site_tree.site, amount=Decimal("3200"), currency="EUR", capture_id="C2")
    from masthead.donations import services

    services.donation_transition(donation_id=paid.pk, to=DonationState.COMPLETED, capture_id="C2")
    response = client.get("/donations/progress/")
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"
    assert "€3,200 of €5,000 this month" in response.content.decode()
    assert not response.cookies
    assert b"data-donation-progress" in client.get("/donate/").content


def test_the_supporter_call_to_action_may_point_at_the_donate_page(client, site_tree, paypal_sandbox):
    settings = SiteSettings.objects.get(site=site_tree.site)
    settings.supporter_cta_text = "Support {site}"
    settings.supporter_cta_url = "/donate/"
    settings.full_clean()
    settings.save()
    article = make_article(site_tree.sections["news"], title="Harbour dredging starts")
    assert b'<a href="/donate/" rel="noopener">Support Test Ledger</a>' in client.get(article.url).content


def test_donations_off_shows_no_box_and_takes_nothing(client, site_tree, settings):
    settings.DONATIONS_ENABLED = False
    assert b"Quick donate" not in client.get("/").content
    response = _start(_csrf_client())
    assert response.status_code == 503


def test_the_form_page_lets_its_post_redirect_to_paypal_and_nowhere_else(client, site_tree, paypal_sandbox):
    policy = client.get("/donations/give/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert "https://www.paypal.com" in form_action and paypal_sandbox.base_url in form_action
    assert "unsafe-inline" not in policy
    other = client.get("/donate/")["Content-Security-Policy"]
    assert "paypal" not in other


@pytest.mark.parametrize("path", ["/donate/", "/donations/give/", "/donations/thank-you/"])
def test_the_donation_pages_do_not_repeat_the_box_in_their_sidebar(client, site_tree, paypal_sandbox, path):
    text = client.get(path).content.decode()
    assert 'id="donate-box-sidebar"' not in text and 'class="sidebar"' in text


def test_paypal_unreachable_at_return_says_the_payment_is_not_confirmed_yet(site_tree, paypal_sandbox):
    client = _csrf_client()
    back = approve(_start(client)["Location"], "Pay")
    paypal_sandbox.fail_next(5, 503)
    response = client.get(return_path(back))
    assert response.status_code == 503 and b"nothing will be charged twice" in response.content
    assert Donation.objects.get().state == DonationState.APPROVED  # reconcile finishes it


def test_the_first_page_to_read_the_settings_does_not_purge_the_cache(
    site_tree, paypal_sandbox, page_cache_dir, django_capture_on_commit_callbacks
):
    from masthead.donations.models import DonationSettings
    from masthead.pagecache.tests.helpers import cached_site, wsgi_request

    site = cached_site(page_cache_dir)
    with django_capture_on_commit_callbacks(execute=True):
        assert wsgi_request(site, "/").header("x-cache") == "miss"
    assert DonationSettings.objects.exists()  # made by that first page, with its defaults
    assert wsgi_request(site, "/").header("x-cache") == "hit"


def _box_currency(client, url) -> str:
    form = _parse(client.get(url)).find(".//form[@class='donate-box__form']")
    return form.find(".//input[@name='currency']").get("value")


def _page_currency(client) -> str:
    return _parse(client.get("/donate/")).find(".//select[@name='currency']/option[@selected]").get("value")


def test_the_box_and_the_page_open_in_the_campaigns_currency(client, site_tree, paypal_sandbox):
    # A box that reads "€295 of €5,000 this month" asked for dollars: the first of the
    # default currencies is USD, whatever the goal's currency.
    article = make_article(site_tree.sections["news"], title="Ferry timetable changes")
    donation_settings(site_tree.site, goal_amount=Decimal("5000"), goal_currency="GBP", quick_currency="EUR")
    assert (_box_currency(client, article.url), _page_currency(client)) == ("GBP", "GBP")


def test_without_a_goal_the_box_opens_in_the_quick_donate_currency(client, site_tree, paypal_sandbox):
    article = make_article(site_tree.sections["news"], title="Ferry timetable changes")
    donation_settings(site_tree.site, quick_currency="GBP")
    assert (_box_currency(client, article.url), _page_currency(client)) == ("GBP", "GBP")


def test_a_currency_readers_may_not_give_in_falls_back_to_the_editors_first(client, site_tree, paypal_sandbox):
    article = make_article(site_tree.sections["news"], title="Ferry timetable changes")
    settings = donation_settings(site_tree.site, goal_amount=Decimal("5000"), goal_currency="GBP", quick_currency="GBP")
    settings.currency_options.create(currency="EUR", minimum=Decimal("3"), maximum=Decimal("300"), presets="3 30")
    settings.currency_options.create(currency="USD", minimum=Decimal("5"), maximum=Decimal("500"), presets="5 50")
    settings.save()
    assert (_box_currency(client, article.url), _page_currency(client)) == ("EUR", "EUR")
