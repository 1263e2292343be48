"""Reads for the newsletter's reader pages and admin screens."""

from __future__ import annotations

from django.db.models import Count

from masthead.newsletter import links
from masthead.newsletter.models import NewsletterList, Subscriber, SubscriberStatus


def public_lists(site) -> list[NewsletterList]:
    """What the signup box and the preferences page offer, in the editors' order."""
    return list(NewsletterList.objects.filter(site=site, public=True).order_by("position", "name"))


def subscriber_by_email(site, email: str) -> Subscriber | None:
    # iexact escapes % and _ (they are valid in an address, not wildcards here); the
    # database's unique index is on lower(email) too.
    return Subscriber.objects.filter(site=site, email__iexact=email).first()


def subscriber_for_token(token: str, purpose: str) -> Subscriber:
    """The subscriber a mailed link names, or BadLink: forged, expired, or retired (the
    subscriber is gone, changed its address, or had its links' version raised)."""
    return subscriber_and_link(token, purpose)[0]


def subscriber_and_link(token: str, purpose: str) -> tuple[Subscriber, links.LinkHolder]:
    """The same, with what the link says (when it was made, among the rest)."""
    holder = links.read_token(token, purpose)
    subscriber = Subscriber.objects.filter(pk=holder.subscriber_id).first()
    if subscriber is None or not holder.matches(subscriber):
        raise links.BadLink("This link is no longer valid.", expired=True)
    return subscriber, holder


def subscribed_list_ids(subscriber: Subscriber) -> set[int]:
    return set(subscriber.subscriptions.values_list("newsletter_list_id", flat=True))


def status_counts(queryset=None) -> dict[str, int]:
    """Subscribers per status (every status present, zero or not), one GROUP BY."""
    queryset = Subscriber.objects.all() if queryset is None else queryset
    found = dict(queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status.value: found.get(status.value, 0) for status in SubscriberStatus}
