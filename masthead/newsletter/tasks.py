"""Background work of the newsletter's reader side: its two mails and CSV imports.
Every task is safe to run twice: a mail is claimed before it is sent, an import chunk
is marked done in the transaction that writes its rows."""

from django.tasks import task


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
