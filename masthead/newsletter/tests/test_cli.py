"""`masthead newsletter send`: sends in the foreground with progress, resumes, and says
when there is nothing to do."""

import io

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command

from masthead.newsletter.models import Edition, EditionState
from masthead.newsletter.tests.delivery_helpers import edition_with_article, newsletter_list, subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _journal_in_tmp(settings, tmp_path):
    settings.NEWSLETTER_JOURNAL_DIR = tmp_path / "journal"
    settings.NEWSLETTER_BATCH_SIZE = 5


def send(*args) -> str:
    out = io.StringIO()
    call_command("newsletter", "send", *args, stdout=out)
    return out.getvalue()


def test_send_an_edition_by_id_with_progress_and_counts(site_tree):
    daily = newsletter_list(site_tree.site)
    subscribers(daily, 12)
    edition = edition_with_article(site_tree, daily)
    output = send("--edition", str(edition.pk))
    assert "12 recipients" in output
    assert "12/12" in output and "mails/s" in output
    assert "sent: 12" in output
    assert len(django_mail.outbox) == 12
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
    assert "is sent" in send("--edition", str(edition.pk))


def test_send_by_list_takes_its_sending_and_scheduled_editions_only(site_tree):
    daily = newsletter_list(site_tree.site)
    subscribers(daily, 2)
    draft = edition_with_article(site_tree, daily)
    assert send("--list", "daily") == "Nothing to send.\n"
    from django.utils import timezone

    Edition.objects.filter(pk=draft.pk).update(state=EditionState.SCHEDULED, scheduled_for=timezone.now())
    send("--list", "daily")
    assert len(django_mail.outbox) == 2
    assert send("--list", "no-such-list") == "Nothing to send.\n"


def test_resuming_sends_does_not_bring_a_later_edition_forward(site_tree):
    """Decision 0016 names this command as the way to resume a send; it also started
    every scheduled edition at once, next week's too."""
    import datetime

    from django.utils import timezone

    daily = newsletter_list(site_tree.site)
    subscribers(daily, 2)
    next_week = edition_with_article(site_tree, daily)
    Edition.objects.filter(pk=next_week.pk).update(
        state=EditionState.SCHEDULED, scheduled_for=timezone.now() + datetime.timedelta(days=7)
    )
    assert send() == "Nothing to send.\n"
    assert send("--list", "daily") == "Nothing to send.\n"
    assert not django_mail.outbox
    assert Edition.objects.get(pk=next_week.pk).state == EditionState.SCHEDULED


def test_an_unknown_edition_is_an_error(site_tree):
    with pytest.raises(CommandError, match="No edition 424242"):
        send("--edition", "424242")
