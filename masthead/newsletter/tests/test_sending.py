"""newsletter/sending.py and mail.py: every deliverable mail arrives once through a real
SMTP server (aiosmtpd, in a process of its own), faults are retried or marked, and each
mail carries its own links and the list headers."""

import contextlib
import email
import email.policy
import os
import smtplib
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import html5lib
import pytest
from django.core import mail as django_mail
from django.utils import timezone

from masthead.newsletter import journal, links, sending
from masthead.newsletter.models import (
    Delivery,
    DeliveryState,
    Edition,
    EditionState,
    NewsletterSettings,
    Subscriber,
    SubscriberStatus,
)
from masthead.newsletter.smtp_sink import SinkProcess
from masthead.newsletter.tests.delivery_helpers import edition_with_article, newsletter_list, subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _journal_in_tmp(settings, tmp_path):
    settings.NEWSLETTER_JOURNAL_DIR = tmp_path / "journal"
    settings.SITE_URL = "https://ledger.example"


@pytest.fixture
def daily(site_tree):
    return newsletter_list(site_tree.site)


def started(site_tree, daily, **fields) -> Edition:
    edition = edition_with_article(site_tree, daily, **fields)
    sending.edition_start(edition_id=edition.pk, enqueue=False)
    return Edition.objects.get(pk=edition.pk)


def _counted(envelope, counter: Counter):
    def counting(*args):
        counter[envelope.__name__] += 1
        return envelope(*args)

    return counting


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one command at a time"])
def test_faults_every_deliverable_mail_arrives_once_and_refusals_count_as_bounces(
    site_tree, daily, settings, tmp_path, pipelining, monkeypatch
):
    settings.NEWSLETTER_RETRY_SECONDS = 0  # retried at once, in the same run
    envelopes = Counter()
    for name in ("_envelope_pipelined", "_envelope_one_by_one"):
        monkeypatch.setattr(sending, name, _counted(getattr(sending, name), envelopes))
    addresses = subscribers(daily, 300)
    refused = addresses[:4]
    edition = started(site_tree, daily)
    NewsletterSettings.objects.update_or_create(site=site_tree.site, defaults={"bounce_limit": 1})

    with SinkProcess(tmp_path / "sink", temporary_share=0.3, refuse=tuple(refused), pipelining=pipelining) as sink:
        settings.MAILERS = sink.mailer_settings()
        sending.edition_send(edition_id=edition.pk)
        accepted = Counter(recipient for recipient, _ in sink.accepted())

    assert set(accepted) == set(addresses) - set(refused)
    assert max(accepted.values()) == 1
    used = "_envelope_pipelined" if pipelining else "_envelope_one_by_one"
    assert set(envelopes) == {used} and envelopes[used] >= 300
    deferred = Delivery.objects.filter(edition=edition, attempts__gt=1)
    assert 0.15 * 300 < deferred.count() < 0.45 * 300, "about 30% were answered 451 first"
    assert deferred.filter(state=DeliveryState.SENT).count() == deferred.count()
    bounced = Delivery.objects.filter(edition=edition, state=DeliveryState.BOUNCED)
    assert sorted(bounced.values_list("subscriber__email", flat=True)) == sorted(refused)
    assert all(error.startswith("550") for error in bounced.values_list("last_error", flat=True))
    assert set(Subscriber.objects.filter(email__in=refused).values_list("status", "bounce_count")) == {
        (SubscriberStatus.BOUNCED, 1)
    }
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT


def test_a_temporary_failure_waits_with_a_growing_back_off(site_tree, daily, settings, tmp_path):
    settings.NEWSLETTER_RETRY_SECONDS = 60
    subscribers(daily, 40)
    edition = started(site_tree, daily)
    with SinkProcess(tmp_path / "sink", temporary_share=0.3) as sink:
        settings.MAILERS = sink.mailer_settings()
        sending.edition_send(edition_id=edition.pk)
    waiting = Delivery.objects.filter(edition=edition, state=DeliveryState.QUEUED)
    assert waiting.exists()
    for row in waiting:
        assert row.attempts == 1 and row.last_error.startswith("451")
        assert timedelta(seconds=50) < row.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    assert sending._backoff(3) == timedelta(seconds=240)
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENDING


def test_an_unreachable_server_keeps_every_mail_queued(site_tree, daily, settings):
    subscribers(daily, 5)
    edition = started(site_tree, daily)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9},
        }
    }
    progress = sending.edition_send(edition_id=edition.pk)
    assert progress.stopped_by_connection
    assert sending.delivery_counts(edition.pk)["queued"] == 5
    assert Delivery.objects.filter(edition=edition, last_error__startswith="connection").count() == 5


def test_who_unsubscribed_or_bounced_after_the_start_is_skipped(site_tree, daily):
    addresses = subscribers(daily, 6)
    edition = started(site_tree, daily)
    Subscriber.objects.filter(email=addresses[0]).update(status=SubscriberStatus.UNSUBSCRIBED)
    Subscriber.objects.filter(email=addresses[1]).update(status=SubscriberStatus.BOUNCED)
    Subscriber.objects.filter(email=addresses[2]).update(paused_until=timezone.localdate() + timedelta(days=3))

    sending.edition_send(edition_id=edition.pk)

    assert sorted(message.to[0] for message in django_mail.outbox) == sorted(addresses[3:])
    counts = sending.delivery_counts(edition.pk)
    assert (counts["skipped"], counts["sent"]) == (3, 3)


def test_only_receiving_subscribers_of_the_list_get_a_row(site_tree, daily):
    addresses = subscribers(daily, 3)
    other = newsletter_list(site_tree.site, slug="weekly", name="Weekly")
    subscribers(other, 2, prefix="weekly")
    Subscriber.objects.filter(email=addresses[0]).update(status=SubscriberStatus.PENDING, confirmed_at=None)
    edition = edition_with_article(site_tree, daily)
    assert sending.edition_start(edition_id=edition.pk, enqueue=False) == 2
    assert sending.edition_start(edition_id=edition.pk, enqueue=False) is None, "a second start does nothing"
    assert Delivery.objects.filter(edition=edition).count() == 2


def test_a_dead_senders_journal_is_replayed_and_the_rest_released(site_tree, daily, settings):
    """A claim whose process is gone: a mail answered 250 is sent, one whose final "."
    went out without an answer seen counts as sent, one answered 451 waits, one whose "."
    could not be sent waits too, and the rows it never reached go back to the queue."""
    subscribers(daily, 5)
    edition = started(site_tree, daily)
    claim = sending.batch_claim(edition_id=edition.pk, size=5)
    dead = claim.token.replace(f"_{journal.holder_of(claim.token).pid}_", "_999999999_")
    Delivery.objects.filter(claimed_by=claim.token).update(claimed_by=dead)
    ids = [row.id for row in claim.rows]
    book = journal.Journal(dead)
    book.write(ids[0], "D")
    book.write(ids[0], "250 2.0.0 Accepted")
    book.write(ids[1], "D")
    book.write(ids[2], "D")
    book.write(ids[2], "451 4.3.0 Busy")
    book.write(ids[3], "D")
    book.write(ids[3], "0 the final dot was not sent: Server not connected")
    book.close()

    assert sending.stale_claims_recover(edition_id=edition.pk) == 1

    states = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert [states[pk] for pk in ids] == ["sent", "sent", "queued", "queued", "queued"]
    assert Delivery.objects.get(pk=ids[1]).last_error == ""
    assert Delivery.objects.get(pk=ids[2]).attempts == 1
    assert Delivery.objects.get(pk=ids[3]).attempts == 1, "a D whose dot was not sent is no mail sent"
    assert not journal.path_for(dead).exists()


def test_no_other_thread_runs_between_a_mails_journal_line_and_its_final_dot(
    site_tree, daily, settings, tmp_path, monkeypatch
):
    """A sender killed between the journal's "D" and the "." leaves a mail counted sent
    that never left, so nothing else may run between the two. os.write() gave up the
    GIL, and another thread of the send task (its other connections render mails) could
    take it and keep it up to its switch interval. Here the journal is a full FIFO, so the
    "D" write waits until a reader drains it, while a thread waits for the GIL: that
    thread must not get to run before the "." is sent."""
    (address,) = subscribers(daily, 1)
    edition = started(site_tree, daily)
    fifo = tmp_path / "journal.fifo"
    os.mkfifo(fifo)
    held_open = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that the journal's open does not wait
    filler = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    for chunk in (b"x" * 4096, b"x"):
        with contextlib.suppress(BlockingIOError):
            while True:
                os.write(filler, chunk)
    os.close(filler)
    monkeypatch.setattr(journal, "path_for", lambda claim: fifo)

    waiting, stop, spins, seen, drainers = threading.Event(), [False], [0], {}, []

    def spin():
        waiting.wait()
        while not stop[0]:
            spins[0] += 1

    real_send = smtplib.SMTP.send

    def watched_send(smtp, payload):
        if payload == b".\r\n":
            seen["at the dot"], stop[0] = spins[0], True
        real_send(smtp, payload)
        if isinstance(payload, bytes) and payload != b".\r\n":  # the mail's body: its "D" is next
            # The journal is open already: opening it at the "D" let go of the GIL too
            # (a CI run on PostgreSQL caught the spinner in that open).
            seen["journal open"] = sum(
                os.path.realpath(f"/proc/self/fd/{fd}") == str(fifo) for fd in os.listdir("/proc/self/fd")
            )
            drainers.append(subprocess.Popen(["sh", "-c", 'sleep 0.3; exec cat "$0" > /dev/null', str(fifo)]))
            waiting.set()  # from now on the spinner waits for the GIL
            seen["after the body"] = spins[0]

    monkeypatch.setattr(smtplib.SMTP, "send", watched_send)
    interval = sys.getswitchinterval()
    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    with SinkProcess(tmp_path / "sink") as sink:
        settings.MAILERS = sink.mailer_settings()
        # Longer than the blocked write: the waiting thread does not force a switch meanwhile.
        sys.setswitchinterval(5.0)
        try:
            sending.edition_send(edition_id=edition.pk)
        finally:
            stop[0] = True
            waiting.set()
            sys.setswitchinterval(interval)
            spinner.join()
            os.close(held_open)
            for drainer in drainers:
                drainer.wait(timeout=30)
        accepted = [recipient for recipient, _ in sink.accepted()]

    assert accepted == [address]
    assert seen["journal open"] == 2, "the journal's writer beside the test's own reader, before the D"
    assert seen["at the dot"] == seen["after the body"], "another thread ran between the D and the dot"


def test_a_final_dot_that_never_left_sends_the_mail_again(site_tree, daily, settings, tmp_path, monkeypatch):
    """Sending the "." itself failed (the connection went first): the server never had the
    mail, which drops it. It was counted sent; it goes back to the queue."""
    settings.NEWSLETTER_RETRY_SECONDS = 0
    addresses = subscribers(daily, 3)
    edition = started(site_tree, daily)
    real_send, broken = smtplib.SMTP.send, []

    def send(smtp, payload):
        if payload == b".\r\n" and not broken:
            broken.append(True)
            smtp.sock.shutdown(socket.SHUT_WR)  # the connection is gone before the "." leaves
        real_send(smtp, payload)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    with SinkProcess(tmp_path / "sink") as sink:
        settings.MAILERS = sink.mailer_settings()
        sending.edition_send(edition_id=edition.pk)
        first = Delivery.objects.get(edition=edition, subscriber__email=addresses[0])
        assert (first.state, first.attempts) == (DeliveryState.QUEUED, 1)
        sending.edition_send(edition_id=edition.pk)
        accepted = Counter(recipient for recipient, _ in sink.accepted())

    assert accepted == Counter(addresses), "each once"
    assert set(Delivery.objects.filter(edition=edition).values_list("state", flat=True)) == {DeliveryState.SENT}
    assert Delivery.objects.get(pk=first.pk).attempts == 2


def test_a_live_senders_claim_is_left_alone(site_tree, daily):
    subscribers(daily, 3)
    edition = started(site_tree, daily)
    sending.batch_claim(edition_id=edition.pk, size=3)
    assert sending.stale_claims_recover(edition_id=edition.pk) == 0
    assert sending.delivery_counts(edition.pk)["sending"] == 3


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_each_mail_has_its_own_links_the_list_headers_and_a_text_part(site_tree, daily, settings, tmp_path):
    NewsletterSettings.objects.update_or_create(
        site=site_tree.site, defaults={"postal_address": "12 Quay Street, Harbourtown"}
    )
    addresses = subscribers(daily, 2)
    edition = started(site_tree, daily, subject="Bridge reopens — and more")
    with SinkProcess(tmp_path / "sink") as sink:
        settings.MAILERS = sink.mailer_settings()
        sending.edition_send(edition_id=edition.pk)
        sink_messages = sink.accepted()
    assert len(sink_messages) == 2
    raw = edition_mail(edition, addresses[0])
    message = parsed(raw)
    subscriber = Subscriber.objects.get(email=addresses[0])

    assert message["Subject"] == "Bridge reopens — and more"
    assert message["Message-ID"] == f"<{edition.pk}.{subscriber.pk}.newsletter@ledger.example>"
    assert message["List-Unsubscribe"] == f"<{links.absolute_url(subscriber, 'unsubscribe')}>"
    assert message["List-Unsubscribe"].startswith("<https://ledger.example/newsletter/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert (
        links.absolute_url(subscriber, "preferences") in text and links.absolute_url(subscriber, "preferences") in html
    )
    assert "12 Quay Street, Harbourtown" in text and "12 Quay Street, Harbourtown" in html
    assert "Harbour bridge reopens after repairs" in text
    assert "<style" not in html and 'style="' in html, "the stylesheet is inlined"
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert hrefs and all(urlsplit(href).scheme == "https" for href in hrefs), hrefs
    other = parsed(edition_mail(edition, addresses[1]))
    assert other["List-Unsubscribe"] != message["List-Unsubscribe"]
    assert {address for address, _ in sink_messages} == set(addresses)
    assert {mid for _, mid in sink_messages} == {
        f"<{edition.pk}.{pk}.newsletter@ledger.example>"
        for pk in Subscriber.objects.filter(email__in=addresses).values_list("pk", flat=True)
    }


def edition_mail(edition, address) -> bytes:
    from masthead.newsletter.mail import MailTemplate, Recipient

    subscriber = Subscriber.objects.get(email=address)
    template = MailTemplate(Edition.objects.get(pk=edition.pk))
    data = template.as_bytes(Recipient(subscriber.pk, subscriber.email, subscriber.link_version), address)
    return data.replace(b"\r\n..", b"\r\n.")


def test_the_edition_is_rendered_once_when_it_starts(site_tree, daily):
    subscribers(daily, 2)
    edition = started(site_tree, daily)
    assert edition.rendered_html and edition.rendered_text
    Edition.objects.filter(pk=edition.pk).update(intro="Changed after the start")
    sending.edition_send(edition_id=edition.pk)
    bodies = [message.body for message in django_mail.outbox]
    assert len(bodies) == 2 and all("Good morning." in body and "Changed" not in body for body in bodies)


def test_a_backend_other_than_smtp_gets_the_same_mail(site_tree, daily):
    """The test outbox here; files in development, an anymail provider the same way."""
    subscribers(daily, 2)
    edition = started(site_tree, daily)
    sending.edition_send(edition_id=edition.pk)
    assert len(django_mail.outbox) == 2
    message = django_mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].endswith(".newsletter@ledger.example>")
    assert message.alternatives[0].mimetype == "text/html"
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT


def test_the_html_part_goes_as_seven_bit_ascii_with_the_same_text(site_tree, daily):
    # Quoted-printable made every "=" of the inlined styles "=3D" and cut the HTML into
    # 76-character lines, each of which the receiving server reads on its own.
    addresses = subscribers(daily, 1)
    edition = started(site_tree, daily, subject="Zoë's bridge", intro="Café owners on the quay — “at last”.")
    raw = edition_mail(edition, addresses[0])
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    html_part = parsed(raw).get_body(("html",))
    assert html_part["Content-Transfer-Encoding"] == "7bit"
    html = html_part.get_content()
    assert "=3D" not in html and "&#8220;at last&#8221;" in html
    document = html5lib.parse(html, namespaceHTMLElements=False)
    assert "Café owners on the quay — “at last”." in "".join(document.find(".//body").itertext())


def test_an_html_line_past_smtps_limit_falls_back_to_quoted_printable(site_tree, daily):
    addresses = subscribers(daily, 1)
    long_intro = "A harbour story that goes on. " * 60  # one paragraph, one line of about 1,800
    edition = started(site_tree, daily, intro=long_intro.strip())
    raw = edition_mail(edition, addresses[0])
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    html_part = parsed(raw).get_body(("html",))
    assert html_part["Content-Transfer-Encoding"] == "quoted-printable"
    assert long_intro.strip() in html_part.get_content()


def test_a_server_that_takes_data_after_refusing_the_recipient_gets_no_mail_from_us(site_tree, daily, settings):
    from masthead.newsletter.tests.scripted_smtp import ScriptedSMTP

    addresses = subscribers(daily, 3)
    edition = started(site_tree, daily)
    NewsletterSettings.objects.update_or_create(site=site_tree.site, defaults={"bounce_limit": 1})
    with ScriptedSMTP(refuse=frozenset({addresses[0]})) as server:
        settings.MAILERS = server.mailer_settings()
        sending.edition_send(edition_id=edition.pk)
    # An empty "." would have delivered a mail to nobody: the connection was dropped, and
    # the rest of the batch went out on a new one, each mail once.
    assert server.dropped == 1
    assert sorted(recipient for recipient, _ in server.completed) == sorted(addresses[1:])
    refused = Delivery.objects.get(edition=edition, subscriber__email=addresses[0])
    assert (refused.state, refused.last_error[:3]) == (DeliveryState.BOUNCED, "550")
    rest = Delivery.objects.filter(edition=edition).exclude(pk=refused.pk)
    assert set(rest.values_list("state", "attempts")) == {(DeliveryState.SENT, 1)}
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
