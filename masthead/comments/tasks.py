"""Background work for comments: the mail of "Notify of". Every task is safe to run
twice: each claims its rows (or its confirmation slot) before it sends."""

from django.tasks import task


@task()
def send_confirmation(subscription_id: int, scope: str) -> bool:
    """The double opt-in mail with its signed link; False if one went out a moment ago."""
    from masthead.comments import notifications

    return notifications.confirmation_send(subscription_id=subscription_id, scope=scope)


@task()
def notify_approved_comment(comment_id: int) -> int:
    """Queue a newly approved comment for its subscribers and mail those whose window is
    open; the others get it in their next digest. Returns how many mails went out."""
    from masthead.comments import notifications

    sent = 0
    for subscription_id in notifications.notifications_create(comment_id=comment_id):
        sent += bool(notifications.notifications_deliver(subscription_id=subscription_id))
    return sent


@task()
def deliver_notifications(subscription_id: int) -> int:
    """One subscription's waiting comments as one mail, if its window has ended."""
    from masthead.comments import notifications

    return notifications.notifications_deliver(subscription_id=subscription_id)
