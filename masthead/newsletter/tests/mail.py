"""Reading what the real SMTP server (aiosmtpd, the smtp_inbox fixture) received."""

from __future__ import annotations

import email
from email import policy


def messages(inbox):
    return [email.message_from_bytes(envelope.original_content, policy=policy.default) for envelope in inbox.envelopes]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def to(inbox, address: str):
    return [message for message in messages(inbox) if address.lower() in str(message["To"]).lower()]
