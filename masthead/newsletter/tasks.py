"""Background work for sending editions. Every task is safe to run twice and at once in
several workers: rows are claimed before any mail goes (newsletter/sending.py)."""

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
