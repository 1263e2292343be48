"""Builders for donation tests: real rows, and real orders at the local PayPal sandbox."""

from __future__ import annotations

import json
import urllib.parse
from decimal import Decimal

from django.test import Client

from masthead.donations import services
from masthead.donations.models import Donation, DonationSettings
from masthead.paypal_sandbox.tests.browsing import approve


def donation_settings(site, **fields) -> DonationSettings:
    settings, _ = DonationSettings.objects.get_or_create(site=site)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def make_donation(site, **fields) -> Donation:
    values = {"amount": Decimal("25.00"), "currency": "USD", "email": "ada@example.org", "name": "Ada"}
    values.update(fields)
    return Donation.objects.create(site=site, **values)


def start_donation(site, *, amount="25", currency="USD", email="ada@example.org") -> Donation:
    """A donation with its order created at the sandbox (not approved yet)."""
    return services.donation_start(
        site_id=site.pk,
        settings=DonationSettings.for_site(site),
        amount_raw=amount,
        currency_raw=currency,
        donor=services.Donor.from_input(name="Ada", email=email),
    )


def approved_donation(site, *, button="Pay", **options) -> Donation:
    """Started and approved at the sandbox's approval page, as a reader clicks it."""
    donation = start_donation(site, **options)
    approve(donation.approve_url, button)
    return donation


def signed_delivery(sandbox, event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    return body, sandbox.sign(body)


def post_webhook(client: Client, body: bytes, headers: dict):
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
    }
    return client.generic("POST", "/donations/paypal/webhook/", body, content_type="application/json", **extra)


def return_path(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return f"{parts.path}?{parts.query}"
