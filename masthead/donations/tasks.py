"""Background work for donations. Safe to run twice: a receipt is claimed before it is sent."""

from django.tasks import task


@task()
def send_receipt(donation_id: int) -> bool:
    """Mail a completed donation's receipt, once; False if it was sent already."""
    from masthead.donations import receipts

    return receipts.receipt_send(donation_id=donation_id)
