"""The database keeps the newsletter's records honest, whoever writes them."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.newsletter.models import Delivery, Edition, NewsletterList, Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(site_tree):
    return NewsletterList.objects.create(site=site_tree.site, slug="daily", name="Daily digest")


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_one_subscriber_per_address_whatever_its_letter_case(site_tree):
    Subscriber.objects.create(site=site_tree.site, email="Ada@Example.org")
    assert refused(lambda: Subscriber.objects.create(site=site_tree.site, email="ada@example.ORG"))


def test_a_confirmed_subscriber_has_a_confirmation_date(site_tree):
    assert refused(
        lambda: Subscriber.objects.create(site=site_tree.site, email="a@example.org", status=SubscriberStatus.CONFIRMED)
    )
    assert refused(lambda: Subscriber.objects.create(site=site_tree.site, email="b@example.org", status="spam"))


def test_one_delivery_of_an_edition_per_subscriber(site_tree, daily):
    subscriber = Subscriber.objects.create(
        site=site_tree.site, email="a@example.org", status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    edition = Edition.objects.create(newsletter_list=daily, subject="Today")
    Delivery.objects.create(edition=edition, subscriber=subscriber)
    assert refused(lambda: Delivery.objects.create(edition=edition, subscriber=subscriber))


def test_one_digest_per_list_and_period_but_any_number_of_composed_editions(daily):
    end = timezone.now()
    Edition.objects.create(newsletter_list=daily, kind=Edition.Kind.DIGEST, subject="Today", period_end=end)
    assert refused(
        lambda: Edition.objects.create(newsletter_list=daily, kind=Edition.Kind.DIGEST, subject="Again", period_end=end)
    )
    for subject in ("One", "Two"):
        Edition.objects.create(newsletter_list=daily, kind=Edition.Kind.COMPOSED, subject=subject, period_end=end)
