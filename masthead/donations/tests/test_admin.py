"""The Donations screen: Editors see the list, totals, chart and CSV; Authors do not."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.donations import services
from masthead.donations.models import CurrencyOption, DonationState
from masthead.donations.tests.factories import donation_settings, make_donation

pytestmark = pytest.mark.django_db
URL = "/admin/donations/"


def member_of(group_name: str):
    user = get_user_model().objects.create_user(f"{group_name.lower()}-donations", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _paid(site, amount, currency="USD", **fields):
    donation = make_donation(site, amount=Decimal(amount), currency=currency, **fields)
    services.donation_transition(donation_id=donation.pk, to=DonationState.COMPLETED, capture_id=f"CAP{donation.pk}")
    return donation


@pytest.fixture
def donations(site_tree):
    _paid(site_tree.site, "25", name="Ada")
    _paid(site_tree.site, "10", "EUR", name='=HYPERLINK("http://evil.example")')
    refunded = _paid(site_tree.site, "50", name="Ben")
    services.donation_transition(donation_id=refunded.pk, to=DonationState.REFUNDED)
    make_donation(site_tree.site, amount=Decimal("5"), name="<script>alert(1)</script>")


def test_editors_see_donations_totals_and_refunds(client, donations):
    client.force_login(member_of("Editors"))
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada" in text and "Refunded" in text
    assert "&lt;script&gt;alert(1)" in text and "<script>alert(1)" not in text
    assert "<svg" in text and "Donations received per month" in text
    totals = text[text.find('id="donations-currency"') :]
    assert "25.00" in totals and "10.00" in totals and "75.00" not in totals  # the refund is not counted


def test_authors_do_not(client, donations):
    client.force_login(member_of("Authors"))
    assert client.get(URL).status_code in (302, 403)


@pytest.mark.parametrize(
    ("query", "expected"), [("state=refunded", 1), ("currency=EUR", 1), ("state=created", 1), ("", 4)]
)
def test_filters(admin_client, donations, query, expected):
    response = admin_client.get(f"{URL}?{query}")
    assert f"Donations ({expected})" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["state=stolen", "start=yesterday", "start=2026-05-02&end=2026-05-01", "p=-1", "p=abc"]
)
def test_bad_filters_never_fail(admin_client, donations, query):
    assert admin_client.get(f"{URL}?{query}").status_code == 200


def test_csv_export_defuses_formulas(admin_client, donations):
    response = admin_client.get(f"{URL}?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4
    assert {row["name"] for row in rows} >= {"Ada", '\'=HYPERLINK("http://evil.example")'}


def test_the_list_takes_a_fixed_number_of_queries(admin_client, site_tree):
    for amount in range(5, 45):
        _paid(site_tree.site, str(amount))
    donation_settings(site_tree.site)
    admin_client.get(URL)  # the admin's first request of a session reads more
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(URL)
    few = len(queries)
    for amount in range(5, 45):
        _paid(site_tree.site, str(amount), "GBP")
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(URL)
    assert len(queries) == few <= 13


def test_the_settings_screen_says_whether_payments_work_and_shows_no_secret(admin_client, site_tree, paypal_sandbox):
    response = admin_client.get(f"/admin/settings/donations/donationsettings/{site_tree.site.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "local PayPal sandbox: demo payments, no money moves" in text
    assert paypal_sandbox.client_secret not in text


@pytest.mark.parametrize(
    "query", ["end=9999-12-31", "start=9999-12-31", "start=0001-01-01", "end=0001-01-01", "start=1899-12-31"]
)
def test_dates_out_of_range_are_a_form_error_not_a_500(admin_client, donations, query):
    response = admin_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a date from 2000 to 2999." in text
    assert "Donations (4)" in text  # an invalid filter filters nothing


def _settings_form(settings, options, **fields):
    data = {
        "enabled": "on",
        "box_title": settings.box_title,
        "box_text": settings.box_text,
        "quick_amount": str(settings.quick_amount),
        "quick_currency": settings.quick_currency,
        "goal_amount": "",
        "goal_currency": settings.goal_currency,
        "goal_period": settings.goal_period,
        "goal_label": settings.goal_label,
        "receipt_text": settings.receipt_text,
        "currency_options-TOTAL_FORMS": str(len(options)),
        "currency_options-INITIAL_FORMS": str(sum(1 for option in options if option.get("id"))),
        "currency_options-MIN_NUM_FORMS": "0",
        "currency_options-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for number, option in enumerate(options):
        for name, value in {"ORDER": str(number + 1), **option}.items():
            data[f"currency_options-{number}-{name}"] = value
    return data


def test_the_settings_screen_refuses_a_quick_currency_removed_in_the_same_save(admin_client, site_tree):
    """The currencies submitted with quick donate are the ones it is checked against."""
    settings = donation_settings(site_tree.site, quick_currency="CHF", quick_amount=Decimal("10"))
    chf = CurrencyOption.objects.create(settings=settings, currency="CHF", minimum=5, maximum=100, sort_order=0)
    url = f"/admin/settings/donations/donationsettings/{site_tree.site.pk}/"
    kept = {"currency": "CHF", "minimum": "5", "maximum": "100", "presets": "5 10 25", "id": str(chf.pk)}
    added = {"currency": "EUR", "minimum": "5", "maximum": "100", "presets": "5 10 25", "id": ""}

    removed = admin_client.post(url, _settings_form(settings, [{**kept, "DELETE": "on"}, added]))
    assert removed.status_code == 200  # the form again, with its error
    assert "Readers may give in EUR" in removed.content.decode()
    assert list(CurrencyOption.objects.values_list("currency", flat=True)) == ["CHF"]

    moved = admin_client.post(url, _settings_form(settings, [{**kept, "DELETE": "on"}, added], quick_currency="EUR"))
    assert moved.status_code == 302
    assert list(CurrencyOption.objects.values_list("currency", flat=True)) == ["EUR"]
