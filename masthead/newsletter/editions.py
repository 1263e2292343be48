"""What editors do with editions besides composing them (the admin's edit form does that):
preview, a test to one address, schedule, send now, cancel, and the breaking alert."""

from __future__ import annotations

from django.core.mail import mailers
from django.db import transaction
from django.utils import timezone

from masthead.newsletter import sending
from masthead.newsletter.mail import MailTemplate, absolute, edition_render, personalised
from masthead.newsletter.models import Edition, EditionArticle, EditionState, NewsletterList

NOT_STARTED = (EditionState.DRAFT, EditionState.SCHEDULED)


class EditionError(Exception):
    """Said to the editor as it is."""


def edition_preview_html(edition: Edition) -> str:
    html, _ = edition_render(edition)
    return personalised(html, preferences_url="#preferences", unsubscribe_url="#unsubscribe")


def edition_test_send(*, edition: Edition, address: str) -> None:
    """One copy to one address, rendered as it stands now; its personal links lead to the
    site's front page (the address is no subscriber)."""
    html, text = edition_render(edition)
    edition.rendered_html, edition.rendered_text = html, text
    template = MailTemplate(edition)
    template.links_for = lambda recipient: (absolute("/"), absolute("/"))
    from masthead.newsletter.mail import Recipient

    message = template.as_django_message(Recipient(0, address, 0), address)
    message.subject = f"[Test] {message.subject}"
    message.extra_headers.pop("Message-ID", None)
    mailers.default.send_messages([message])


def _check_has_content(edition: Edition) -> None:
    if not edition.edition_articles.exists() and not edition.intro.strip():
        raise EditionError("An edition needs an intro or at least one article.")


def edition_schedule(*, edition: Edition, when) -> None:
    if when <= timezone.now():
        raise EditionError("Choose a time in the future, or send it now.")
    _check_has_content(edition)  # as "send now" does: nothing checks it again when it is due
    if not Edition.objects.filter(pk=edition.pk, state__in=NOT_STARTED).update(
        state=EditionState.SCHEDULED, scheduled_for=when
    ):
        raise EditionError("This edition has started sending already.")


def edition_send_now(*, edition: Edition) -> int:
    _check_has_content(edition)
    count = sending.edition_start(edition_id=edition.pk)
    if count is None:
        raise EditionError("This edition has started sending already, or was cancelled.")
    return count


def edition_cancel(*, edition: Edition) -> None:
    if not Edition.objects.filter(pk=edition.pk, state__in=NOT_STARTED).update(state=EditionState.CANCELLED):
        raise EditionError("Only an edition that has not started sending can be cancelled.")


def breaking_list_for(page) -> NewsletterList | None:
    site = page.get_site()
    return (
        NewsletterList.objects.filter(site=site, kind=NewsletterList.Kind.BREAKING).order_by("position", "pk").first()
        if site
        else None
    )


def breaking_alert_send(*, page, user=None) -> Edition:
    newsletter_list = breaking_list_for(page)
    if newsletter_list is None:
        raise EditionError("This site has no breaking-news list: add one under Newsletter lists.")
    if not page.live:
        raise EditionError("Publish the article before sending it as an alert.")
    with transaction.atomic():
        # Under the list's row lock (an IMMEDIATE transaction on SQLite): a double click,
        # a resubmitted form or two editors at once would each have mailed the whole list.
        NewsletterList.objects.select_for_update().filter(pk=newsletter_list.pk).first()
        earlier = (
            Edition.objects.filter(
                newsletter_list=newsletter_list, kind=Edition.Kind.BREAKING, edition_articles__page=page
            )
            .exclude(state=EditionState.CANCELLED)
            .first()
        )
        if earlier is not None:
            raise EditionError(
                f"This article went out as a breaking alert already (“{earlier.subject}”). "
                "To send an update, compose an edition."
            )
        edition = Edition.objects.create(
            newsletter_list=newsletter_list,
            kind=Edition.Kind.BREAKING,
            subject=f"Breaking: {page.title}"[:200],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        EditionArticle.objects.create(edition=edition, page=page, position=0)
        sending.edition_start(edition_id=edition.pk)
    return edition
