"""Background work of the newsletter. Every task is safe to run twice and at once in
several workers: an edition's rows are claimed before any mail goes
(newsletter/sending.py); a confirmation mail is claimed before it is sent; an import
chunk is marked done in the transaction that writes its rows."""

from django.conf import settings
from django.db import transaction
from django.tasks import task


@task()
def start_edition(edition_id: int) -> int | None:
    """Render a scheduled or draft edition, make its delivery rows and queue its send."""
    from masthead.newsletter import sending

    return sending.edition_start(edition_id=edition_id)


@task()
def send_edition(edition_id: int) -> int:
    """Send an edition's due mails for a while, then queue the rest as a task of its own,
    so a long send shares the worker with other tasks. Returns how many were sent."""
    from masthead.newsletter import sending

    progress = sending.edition_send(edition_id=edition_id, seconds=settings.NEWSLETTER_TASK_SECONDS)
    if not progress.stopped_by_connection and sending.work_left_now(edition_id):
        transaction.on_commit(lambda: send_edition.enqueue(edition_id))
    return progress.sent


@task()
def send_confirmation(subscriber_id: int) -> bool:
    """The double opt-in mail with its signed link; False when none was due."""
    from masthead.newsletter import confirmation

    return confirmation.confirmation_send(subscriber_id=subscriber_id)


@task()
def send_already_subscribed(subscriber_id: int) -> bool:
    """The note to a confirmed address that signed up again: its preferences link."""
    from masthead.newsletter import confirmation

    return confirmation.already_subscribed_send(subscriber_id=subscriber_id)


@task()
def process_import(import_id: int) -> int:
    """Work through an uploaded CSV's chunks; returns how many rows this run processed."""
    from masthead.newsletter import imports

    return imports.import_process(import_id=import_id)
