"""`masthead generate` adds confirmed newsletter subscribers in bulk, spread over the
lists, for the delivery benchmark; the demo has lists and readers in every state."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from masthead.demo.newsletter import LISTS, newsletter_demo
from masthead.newsletter.models import NewsletterList, Subscriber, SubscriberStatus, Subscription

pytestmark = pytest.mark.django_db


def test_generate_adds_confirmed_subscribers_spread_over_the_lists(site_tree):
    call_command(
        "generate",
        articles=40,
        authors=2,
        sections=2,
        tags=5,
        years=1,
        comments=0,
        subscribers=1200,
        stdout=io.StringIO(),
    )

    assert Subscriber.objects.count() == 1200
    assert set(Subscriber.objects.values_list("status", flat=True)) == {SubscriberStatus.CONFIRMED}
    assert all(subscriber.receives_mail() for subscriber in Subscriber.objects.all()[:50])
    assert set(NewsletterList.objects.values_list("slug", flat=True)) == {spec["slug"] for spec in LISTS}
    per_list = dict(Subscription.objects.values_list("newsletter_list__slug").annotate(n=Count("id")))
    assert per_list["morning-briefing"] > per_list["week-in-review"] > 0 and per_list["breaking-news"] > 0
    assert not Subscriber.objects.annotate(n=Count("subscriptions")).filter(n=0).exists()

    # A second run adds more, with addresses of their own.
    call_command(
        "generate",
        articles=5,
        authors=2,
        sections=2,
        tags=5,
        years=1,
        comments=0,
        subscribers=300,
        stdout=io.StringIO(),
    )
    assert Subscriber.objects.count() == 1500


def test_generate_defaults_to_one_subscriber_per_article(site_tree):
    call_command("generate", articles=30, authors=2, sections=2, tags=5, years=1, comments=0, stdout=io.StringIO())
    assert Subscriber.objects.count() == 30


def test_the_demo_has_lists_and_readers_in_every_state_and_loads_twice(site_tree):
    assert newsletter_demo(site_tree.site) >= 250
    assert newsletter_demo(site_tree.site) == 0

    by_status = dict(Subscriber.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == {choice.value for choice in SubscriberStatus}
    assert by_status["confirmed"] > by_status["unsubscribed"] > 0
    morning = NewsletterList.objects.get(slug="morning-briefing")
    assert (morning.name, morning.frequency, morning.send_time.hour) == ("The Morning Briefing", "daily", 7)
    assert NewsletterList.objects.get(slug="week-in-review").frequency == "weekly"
    assert NewsletterList.objects.get(slug="breaking-news").kind == "breaking"
