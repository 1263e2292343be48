"""Exactly once across kills: the sending process is killed (kill -9) three times in the
middle of an edition to 10,000 subscribers and started again; a real SMTP server in a
process of its own counts what it accepted.

What exactly once can promise (decision 0016): a kill that lands between a mail's journal
line "D" and its final "." (two system calls, microseconds apart) leaves that mail counted
sent though it never left, so it is missed, never doubled. Each kill can do that to at
most one mail per connection, and only to a mail its journal shows with a "D" and no
answer; the test holds the sender to that, and to one copy for everyone else. (It once
asked for all 10,000 and failed when a kill landed in that window.)

PostgreSQL only: the sender is a separate `masthead` process, which must see the test's
database; SQLite's test database lives in this process's memory (as for the other tests
that start processes against the test database, e.g. the donations' concurrent webhooks).
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from masthead.core.tests.processes import PROJECT, clean_environment
from masthead.newsletter import sending
from masthead.newsletter.models import Delivery, DeliveryState, Edition, EditionState
from masthead.newsletter.smtp_sink import SinkProcess
from masthead.newsletter.tests.delivery_helpers import edition_with_article, newsletter_list, subscribers

SUBSCRIBERS = 10_000
KILL_AFTER_ACCEPTED = (1_500, 4_000, 6_500)


def sender_environment(tmp_path, sink: SinkProcess) -> dict:
    database = settings.CONFIG.test_database_url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    return clean_environment(
        DATABASE_URL=database,
        EMAIL_URL=sink.email_url,
        MASTHEAD_DATA_DIR=str(tmp_path / "data"),
        SITE_URL="https://ledger.example",
    )


def start_sender(edition_id: int, environment: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "newsletter", "send", "--edition", str(edition_id)],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def unanswered_dots(journal_folder) -> list[set[int]]:
    """For each journal (one per connection) a killed sender left: the deliveries whose
    "D" was written and whose answer was not."""
    found = []
    for path in sorted(journal_folder.glob("*.log")):
        dots, answered = set(), set()
        for line in path.read_text().splitlines():
            number, _, entry = line.partition(" ")
            (dots if entry == "D" else answered).add(int(number))
        found.append(dots - answered)
    return found


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_three_times_mails_each_subscriber_exactly_once(site_tree, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the sender is another process: SQLite's in-memory test database is not shared (PostgreSQL pass)")
    daily = newsletter_list(site_tree.site)
    addresses = subscribers(daily, SUBSCRIBERS)
    edition = edition_with_article(site_tree, daily)
    assert sending.edition_start(edition_id=edition.pk, enqueue=False) == SUBSCRIBERS

    with SinkProcess(tmp_path / "sink") as sink:
        environment = sender_environment(tmp_path, sink)
        ambiguous: list[set[int]] = []
        for kill_at in KILL_AFTER_ACCEPTED:
            sender = start_sender(edition.pk, environment)
            wait_for(
                lambda kill_at=kill_at, sender=sender: len(sink.accepted()) >= kill_at or sender.poll() is not None,
                seconds=120,
                what=f"{kill_at} accepted mails",
            )
            assert sender.poll() is None, f"the sender finished before its kill: {sender.stderr.read()}"
            os.kill(sender.pid, signal.SIGKILL)
            sender.wait()  # reaped: its process id now names nobody
            sender.stderr.close()
            ambiguous.extend(unanswered_dots(tmp_path / "data" / "newsletter-journal"))  # before the next replays them
        last = start_sender(edition.pk, environment)
        _, errors = last.communicate(timeout=300)
        assert last.returncode == 0, errors
        time.sleep(0.2)  # the sink's last answers
        accepted = Counter(recipient for recipient, _ in sink.accepted())

    assert [address for address, copies in accepted.items() if copies > 1] == [], "someone got a second copy"
    assert set(accepted) <= set(addresses)
    missed = set(
        Delivery.objects.filter(edition=edition, subscriber__email__in=set(addresses) - set(accepted)).values_list(
            "pk", flat=True
        )
    )
    assert ambiguous, "the killed senders left their journals where the test reads them"
    assert all(len(missed & dots) <= 1 for dots in ambiguous), "a kill missed more than one mail of a connection"
    assert missed <= set().union(*ambiguous), "someone was skipped whose mail the journal did not leave in doubt"
    assert len(accepted) + len(missed) == SUBSCRIBERS
    assert Delivery.objects.filter(edition=edition, state=DeliveryState.SENT).count() == SUBSCRIBERS
    assert Edition.objects.get(pk=edition.pk).state == EditionState.SENT
