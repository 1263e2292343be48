"""Sending an edition: every receiving subscriber gets exactly one mail, across crashes.

When an edition starts, one `Delivery` row per receiving subscriber is inserted by one
INSERT … SELECT (the database streams it; Python never holds the list). Senders then
claim batches of rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers share an
edition) in a committed transaction before any SMTP is spoken, and send a batch over one
SMTP connection.

Exactly once (decision 0016). A mail is delivered at the moment the server has the final
"." of its DATA: before that, a dropped connection makes the server discard it. So each
mail's DATA goes out without its final ".", then the sender appends "<id> D" to its
journal (one write() on an O_APPEND file: microseconds, and kept by the kernel if the
process is killed), then sends the ".", then appends the server's answer. At the end of
the batch the results go to the database in one transaction and the journal is removed.

A sender that dies leaves its rows SENDING under its claim. Whoever resumes (a send task,
the periodic job, `masthead newsletter send`) sees the claim's process is gone (same host:
process id and start time; another host: the claim expired long ago), replays its journal
and releases the rest: a row with an answer gets that answer; a row with "D" and no
answer counts as sent (the server had the whole mail); a row without "D" was never
delivered and goes back to the queue. What remains ambiguous is the few microseconds
between the "D" write and the "." write (the sender killed exactly there: that mail is
counted sent and not delivered; the "D" write does not give up the GIL, so the other
sending threads do not get to run in between), and a server that would have refused the "." of a mail
whose sender died before reading the refusal (counted sent too). Both err toward a missed
mail, never a second copy, as the comments' and donations' mails do.

Temporary failures (4xx, a refused or broken connection) go back to the queue with an
exponential back-off; permanent ones (5xx) mark the row bounced and count toward the
subscriber's bounce limit. Subscribers who unsubscribed, bounced or paused after the
edition started are skipped when their batch is claimed.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from masthead.newsletter import journal as journals
from masthead.newsletter.journal import DOT, Journal
from masthead.newsletter.mail import MailTemplate, Recipient, edition_render, message_id_suffix
from masthead.newsletter.models import (
    Delivery,
    DeliveryState,
    Edition,
    EditionState,
    NewsletterSettings,
    Subscriber,
    SubscriberStatus,
    Subscription,
)

logger = logging.getLogger(__name__)

# A claim held by a process on another host is taken back only this long after it
# expired: that host may come back and replay its journal (clock skew is covered too).
ORPHANED_AFTER = timedelta(hours=1)
ACCEPTED = 250
# The final "." was sent but the sender died before reading the answer: the server has
# the whole mail, so it counts as sent (see the module's docstring).
NO_ANSWER = "no answer seen after the end of DATA; counted as sent"
OPEN_STATES = (DeliveryState.QUEUED, DeliveryState.SENDING)
# An address Django's prep_address (a full RFC 5322 parse, ~80 µs) would return unchanged.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


# Starting -----------------------------------------------------------------------------


def recipients_insert(edition: Edition, *, today) -> int:
    """One QUEUED row per subscriber of the edition's list who receives mail today,
    inserted by the database from a SELECT: memory does not grow with the list."""
    delivery, subscriber, subscription = (model._meta.db_table for model in (Delivery, Subscriber, Subscription))
    sql = (
        f"INSERT INTO {delivery} "  # noqa: S608 (table names from the models; values are parameters)
        "(edition_id, subscriber_id, state, attempts, last_error, message_id, claimed_by) "
        f"SELECT %s, s.id, %s, 0, '', CAST(%s AS TEXT) || CAST(s.id AS TEXT) || CAST(%s AS TEXT), '' "
        f"FROM {subscription} m JOIN {subscriber} s ON s.id = m.subscriber_id "
        "WHERE m.newsletter_list_id = %s AND s.site_id = %s AND s.status = %s "
        "AND (s.paused_until IS NULL OR s.paused_until < %s) "
        "ORDER BY s.id"
    )
    params = [
        edition.pk,
        DeliveryState.QUEUED.value,
        f"<{edition.pk}.",
        message_id_suffix(),
        edition.newsletter_list_id,
        edition.newsletter_list.site_id,
        SubscriberStatus.CONFIRMED.value,
        today,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def edition_start(*, edition_id: int, now=None, enqueue: bool = True) -> int | None:
    """A draft or scheduled edition starts sending: rendered once, one delivery row per
    recipient, and a send task queued after commit. Returns how many recipients, or None
    if the edition was not draft or scheduled (started already, cancelled: safe to call
    twice)."""
    now = now or timezone.now()
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update().select_related("newsletter_list__site").filter(pk=edition_id).first()
        )
        if edition is None or edition.state not in (EditionState.DRAFT, EditionState.SCHEDULED):
            return None
        html, text = edition_render(edition)
        edition.rendered_html, edition.rendered_text = html, text
        edition.state, edition.started_at = EditionState.SENDING, now
        edition.save(update_fields=["rendered_html", "rendered_text", "state", "started_at"])
        count = recipients_insert(edition, today=timezone.localdate(now))
        if enqueue:
            transaction.on_commit(lambda: _enqueue_send(edition_id))
    if not count:
        edition_finish_if_done(edition_id=edition_id, now=now)
    return count


def _enqueue_send(edition_id: int) -> None:
    from masthead.newsletter import tasks

    tasks.send_edition.enqueue(edition_id)


# Claiming -----------------------------------------------------------------------------


@dataclass
class Row:
    id: int
    subscriber_id: int
    email: str
    link_version: int
    attempts: int


@dataclass
class Claim:
    token: str
    rows: list[Row]
    expires: float  # time.monotonic() after which this sender sends no further "."


def _claimable(edition_id: int, now):
    return Delivery.objects.filter(edition_id=edition_id, state=DeliveryState.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def batch_claim(*, edition_id: int, size: int, now=None) -> Claim | None:
    now = now or timezone.now()
    claim_seconds = settings.NEWSLETTER_CLAIM_SECONDS
    token = journals.new_claim()
    started = time.monotonic()
    with transaction.atomic():
        ids = list(
            _claimable(edition_id, now)
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return None
        Delivery.objects.filter(pk__in=ids).update(
            state=DeliveryState.SENDING, claimed_by=token, claimed_until=now + timedelta(seconds=claim_seconds)
        )
    rows = Delivery.objects.filter(claimed_by=token, state=DeliveryState.SENDING).order_by("id")
    today = timezone.localdate(now)
    receiving = Q(subscriber__status=SubscriberStatus.CONFIRMED) & (
        Q(subscriber__paused_until__isnull=True) | Q(subscriber__paused_until__lt=today)
    )
    # Unsubscribed, bounced or paused since the edition started: skipped, not sent.
    Delivery.objects.filter(pk__in=rows.exclude(receiving).values("pk")).update(
        state=DeliveryState.SKIPPED, claimed_by="", claimed_until=None
    )
    values = rows.values_list("id", "subscriber_id", "subscriber__email", "subscriber__link_version", "attempts")
    # The sender stops sending "." a margin before the claim expires in the database.
    return Claim(token, [Row(*value) for value in values], started + claim_seconds * 0.8)


def claim_renew(claim: Claim) -> bool:
    claim_seconds = settings.NEWSLETTER_CLAIM_SECONDS
    renewed = Delivery.objects.filter(claimed_by=claim.token, state=DeliveryState.SENDING).update(
        claimed_until=timezone.now() + timedelta(seconds=claim_seconds)
    )
    if renewed:
        claim.expires = time.monotonic() + claim_seconds * 0.8
    return bool(renewed)


# Recording ----------------------------------------------------------------------------


@dataclass
class Results:
    answers: dict[int, tuple[int, str]] = field(default_factory=dict)
    # A temporary failure that was not an SMTP answer (the connection broke before ".").
    broken: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        sent = sum(1 for code, _ in self.answers.values() if code == ACCEPTED)
        return {"sent": sent, "failed": len(self.answers) - sent + len(self.broken)}


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def results_record(claim: Claim, results: Results, *, now=None) -> None:
    """The batch's outcome, in one transaction; rows without one go back to the queue.
    Every update names the claim, so a replay of the same journal changes nothing."""
    now = now or timezone.now()
    rows = {row.id: row for row in claim.rows}
    mine = Delivery.objects.filter(claimed_by=claim.token, state=DeliveryState.SENDING)
    released = {"claimed_by": "", "claimed_until": None}
    bounced_subscribers = []
    with transaction.atomic():
        accepted = [pk for pk, (code, _) in results.answers.items() if code == ACCEPTED]
        if accepted:
            mine.filter(pk__in=accepted).update(
                state=DeliveryState.SENT, sent_at=now, attempts=F("attempts") + 1, **released
            )
        failures = {pk: (code, text) for pk, (code, text) in results.answers.items() if code != ACCEPTED}
        failures.update({pk: (0, text) for pk, text in results.broken.items()})
        for pk, (code, text) in failures.items():
            attempts = (rows[pk].attempts if pk in rows else 0) + 1
            error = (f"{code} {text}" if code else text)[:300]
            if 500 <= code < 600:
                if (
                    mine.filter(pk=pk).update(
                        state=DeliveryState.BOUNCED, attempts=attempts, last_error=error, **released
                    )
                    and pk in rows
                ):
                    bounced_subscribers.append(rows[pk].subscriber_id)
            elif code >= 600 or attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
                mine.filter(pk=pk).update(state=DeliveryState.FAILED, attempts=attempts, last_error=error, **released)
            else:
                mine.filter(pk=pk).update(
                    state=DeliveryState.QUEUED,
                    attempts=attempts,
                    last_error=error,
                    next_attempt_at=now + _backoff(attempts),
                    **released,
                )
        mine.update(state=DeliveryState.QUEUED, **released)
        if bounced_subscribers:
            _bounces_count(bounced_subscribers, now=now)


def _bounces_count(subscriber_ids: list[int], *, now) -> None:
    Subscriber.objects.filter(pk__in=subscriber_ids).update(bounce_count=F("bounce_count") + 1)
    for subscriber in Subscriber.objects.filter(
        pk__in=subscriber_ids, status=SubscriberStatus.CONFIRMED
    ).select_related("site"):
        if subscriber.bounce_count >= NewsletterSettings.for_site(subscriber.site).bounce_limit:
            Subscriber.objects.filter(pk=subscriber.pk, status=SubscriberStatus.CONFIRMED).update(
                status=SubscriberStatus.BOUNCED, bounced_at=now
            )


def _answers_from_journal(claim_token: str) -> dict[int, tuple[int, str]]:
    answers: dict[int, tuple[int, str]] = {}
    for delivery_id, entry in journals.entries(claim_token):
        if entry == DOT:
            answers[delivery_id] = (ACCEPTED, NO_ANSWER)
            continue
        code, _, text = entry.partition(" ")
        if code.isdigit():
            answers[delivery_id] = (int(code), text)
    return answers


def stale_claims_recover(*, edition_id: int | None = None, now=None) -> int:
    """Replay the journals of senders that are gone and release what they held; returns
    how many claims were recovered."""
    now = now or timezone.now()
    holding = Delivery.objects.filter(state=DeliveryState.SENDING).exclude(claimed_by="")
    if edition_id is not None:
        holding = holding.filter(edition_id=edition_id)
    recovered = 0
    for token in set(holding.values_list("claimed_by", flat=True)):
        gone = journals.holder_is_gone(token)
        if gone is False:
            continue
        if gone is None and holding.filter(claimed_by=token, claimed_until__gte=now - ORPHANED_AFTER).exists():
            continue
        held = Delivery.objects.filter(claimed_by=token, state=DeliveryState.SENDING)
        rows = [
            Row(pk, subscriber, "", 0, attempts)
            for pk, subscriber, attempts in held.values_list("id", "subscriber_id", "attempts")
        ]
        answers = _answers_from_journal(token)
        if gone is None:
            logger.warning("Newsletter claim %s expired on another host; its unanswered rows are sent again", token)
        held_ids = {row.id for row in rows}
        results = Results(answers={pk: answer for pk, answer in answers.items() if pk in held_ids})
        results_record(Claim(token, rows, 0), results, now=now)
        journals.Journal(token).remove()
        recovered += 1
    return recovered


def edition_finish_if_done(*, edition_id: int, now=None) -> bool:
    if Delivery.objects.filter(edition_id=edition_id, state__in=OPEN_STATES).exists():
        return False
    return bool(
        Edition.objects.filter(pk=edition_id, state=EditionState.SENDING).update(
            state=EditionState.SENT, finished_at=now or timezone.now()
        )
    )


# Sending ------------------------------------------------------------------------------


def _smtp_answer(reply: tuple[int, bytes | str]) -> tuple[int, str]:
    code, text = reply
    return code, (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text))[:250]


def _envelope_one_by_one(smtp: smtplib.SMTP, sender: str, address: str) -> tuple[tuple[int, str], bool]:
    """MAIL, RCPT and DATA, each waiting for its answer. Returns the first refusal or
    DATA's 354, and whether the server now reads the mail's content."""
    answer = _smtp_answer(smtp.mail(sender))
    if answer[0] == ACCEPTED:
        answer = _smtp_answer(smtp.rcpt(address))
        if answer[0] in (250, 251):
            answer = _smtp_answer(smtp.docmd("DATA"))
    return answer, answer[0] == 354


def _envelope_pipelined(smtp: smtplib.SMTP, sender: str, address: str) -> tuple[tuple[int, str], bool]:
    """The same in one round trip, for a server that offers PIPELINING (RFC 2920; Postfix,
    Exim and the mail providers do): the three commands in one write, then their three
    answers. A server may answer DATA with 354 even though it refused the recipient;
    it is then reading a mail we will not send, which the caller handles."""
    smtp.send(f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\nRCPT TO:{smtplib.quoteaddr(address)}\r\nDATA\r\n")
    mail, rcpt, data = (_smtp_answer(smtp.getreply()) for _ in range(3))
    in_data = data[0] == 354
    if mail[0] != ACCEPTED:
        return mail, in_data
    if rcpt[0] not in (250, 251):
        return rcpt, in_data
    return data, in_data


def _send_over_smtp(backend: SMTPBackend, template: MailTemplate, claim: Claim) -> Results:
    results = Results()
    journal = Journal(claim.token)
    try:
        # Before any mail: a journal first opened at a mail's "D" (a mkdir and an open, each
        # letting go of the GIL) put another thread's time between that line and its ".".
        journal.open()
        backend.open()
        smtp = backend.connection
        # The final "." is a write of its own after the DATA: without this, Nagle's
        # algorithm holds it until the server's delayed ACK (40 ms a mail on Linux).
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp.ehlo_or_helo_if_needed()
    except (OSError, smtplib.SMTPException) as error:
        try:
            backend.close()
        except (OSError, smtplib.SMTPException):
            backend.connection = None
        for row in claim.rows:
            results.broken[row.id] = f"connection: {error}"[:300]
        results_record(claim, results)
        journal.remove()
        return results
    sender = template.sender.address
    envelope = _envelope_pipelined if smtp.has_extn("pipelining") else _envelope_one_by_one
    mid_data = False
    try:
        for row in claim.rows:
            if time.monotonic() > claim.expires - settings.NEWSLETTER_CLAIM_SECONDS * 0.4 and not claim_renew(claim):
                break
            try:
                address = row.email if _PLAIN_ADDRESS.fullmatch(row.email) else backend.prep_address(row.email)
            except ValueError:
                results.answers[row.id] = (553, "address cannot be sent to (non-ASCII local part or malformed)")
                continue
            recipient = Recipient(row.subscriber_id, row.email, row.link_version)
            data = template.as_bytes(recipient, address)
            dot_sent = False
            try:
                mid_data = True  # from here DATA may be with the server: no QUIT if this fails
                answer, in_data = envelope(smtp, sender, address)
                mid_data = in_data
                if answer[0] == 354:
                    smtp.send(data)
                    if time.monotonic() > claim.expires:
                        break  # the claim may be someone else's by now: this "." is not ours to send
                    journal.write_dot(row.id)  # keeps the GIL: the "." follows at once
                    try:
                        smtp.send(b".\r\n")
                    except (OSError, smtplib.SMTPException) as error:
                        # The "." never reached the socket, so the server drops the mail:
                        # this row goes back to the queue, and a replay must not count its "D".
                        journal.write(row.id, f"0 the final dot was not sent: {error}")
                        raise
                    mid_data, dot_sent = False, True
                    answer = _smtp_answer(smtp.getreply())
                    journal.write(row.id, f"{answer[0]} {answer[1]}")
                elif in_data:
                    # A server that took DATA after refusing the sender or the recipient
                    # (RFC 5321 lets it): whatever follows would be read as a mail, and an
                    # empty "." would deliver one. Drop the connection instead (the server
                    # drops the mail); the rest of the batch goes back to the queue.
                    results.answers[row.id] = answer
                    break
                results.answers[row.id] = answer
                if answer[0] != ACCEPTED and not dot_sent:
                    smtp.rset()
            except (OSError, smtplib.SMTPException) as error:
                if dot_sent:
                    results.answers[row.id] = (ACCEPTED, NO_ANSWER)
                else:
                    results.broken[row.id] = f"connection: {error}"[:300]
                break
    finally:
        if mid_data:  # a QUIT now would be read as part of the mail: drop the connection, the server drops the mail
            smtp.close()
            backend.connection = None
        try:
            backend.close()
        except (OSError, smtplib.SMTPException):
            backend.connection = None
    results_record(claim, results)
    journal.remove()
    return results


def _send_with_backend(backend, template: MailTemplate, claim: Claim) -> Results:
    """Any other backend (files in development, an anymail provider API, the test
    outbox): the journal's "D" goes before the hand-over, which is the whole window here."""
    results = Results()
    journal = Journal(claim.token)
    try:
        backend.open()
        for row in claim.rows:
            if time.monotonic() > claim.expires - settings.NEWSLETTER_CLAIM_SECONDS * 0.4 and not claim_renew(claim):
                break
            message = template.as_django_message(Recipient(row.subscriber_id, row.email, row.link_version), row.email)
            journal.write_dot(row.id)
            try:
                backend.send_messages([message])
            except Exception as error:  # a provider's API error: its type is the provider's
                permanent = type(error).__name__ == "AnymailRecipientsRefused"
                results.answers[row.id] = (550 if permanent else 451, str(error)[:250])
                journal.write(row.id, f"{results.answers[row.id][0]} {error}")
                continue
            results.answers[row.id] = (ACCEPTED, "handed over")
            journal.write(row.id, f"{ACCEPTED} handed over")
    finally:
        backend.close()
    results_record(claim, results)
    journal.remove()
    return results


@dataclass
class Progress:
    sent: int = 0
    failed: int = 0
    batches: int = 0
    stopped_by_connection: bool = False


def edition_send(
    *, edition_id: int, seconds: float | None = None, on_batch: Callable[[Progress], None] | None = None
) -> Progress:
    """Send what is due of an edition, batch after batch, for up to `seconds`. Safe to
    run in several processes at once and to run again after a crash."""
    progress = Progress()
    stale_claims_recover(edition_id=edition_id)
    edition = Edition.objects.select_related("newsletter_list__site").filter(pk=edition_id).first()
    if edition is None or edition.state != EditionState.SENDING:
        return progress
    template = MailTemplate(edition)
    deadline = time.monotonic() + seconds if seconds else None
    lock = threading.Lock()

    def send_batches() -> None:
        while not progress.stopped_by_connection and (deadline is None or time.monotonic() < deadline):
            claim = batch_claim(edition_id=edition_id, size=settings.NEWSLETTER_BATCH_SIZE)
            if claim is None:
                break
            backend = mailers.default
            send = _send_over_smtp if isinstance(backend, SMTPBackend) else _send_with_backend
            results = send(backend, template, claim)
            counts = results.counts()
            with lock:
                progress.sent += counts["sent"]
                progress.failed += counts["failed"]
                progress.batches += 1
                if on_batch:
                    on_batch(progress)
            if results.broken and not any(code for code, _ in results.answers.values()):
                progress.stopped_by_connection = True  # the server is not answering: try later

    def in_own_thread() -> None:
        try:
            send_batches()
        finally:
            connection.close()

    # Several connections at once: while one waits for the server's answer, another
    # builds its next mail (the wait is most of a mail's time). Each thread has its own
    # database connection, claims its own batches and keeps its own journal.
    helpers = [
        threading.Thread(target=in_own_thread, name=f"newsletter-send-{number}", daemon=True)
        for number in range(1, settings.NEWSLETTER_CONNECTIONS)
    ]
    for helper in helpers:
        helper.start()
    send_batches()
    for helper in helpers:
        helper.join()
    edition_finish_if_done(edition_id=edition_id)
    return progress


def work_left_now(edition_id: int) -> bool:
    return _claimable(edition_id, timezone.now()).exists()


# Reading ------------------------------------------------------------------------------


def delivery_counts(edition_id: int) -> dict[str, int]:
    counts = dict.fromkeys(DeliveryState.values, 0)
    for state, number in (
        Delivery.objects.filter(edition_id=edition_id).values_list("state").annotate(number=Count("id")).order_by()
    ):
        counts[state] = number
    return counts
