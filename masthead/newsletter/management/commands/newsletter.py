"""`masthead newsletter send [--edition ID | --list SLUG]`: send in the foreground, with a
progress bar, what the worker would send in the background (the same claims, so both can
run at once and either can be killed and started again)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Newsletter: `send` sends editions now (draft or scheduled ones start; sending ones resume)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help=self.help)
        which = send.add_mutually_exclusive_group()
        which.add_argument("--edition", type=int, help="this edition (a draft or scheduled one starts now)")
        which.add_argument(
            "--list", dest="list_slug", help="every edition of this list that is sending, or scheduled and due"
        )

    def handle(self, *args, action, edition=None, list_slug=None, **options):
        from django.db.models import Q
        from django.utils import timezone

        from masthead.newsletter.models import Edition, EditionState

        if edition is not None:
            found = Edition.objects.filter(pk=edition)
            if not found.exists():
                raise CommandError(f"No edition {edition}.")
        else:
            # Scheduled ones only once due: this resumes sends, it does not bring next
            # week's edition forward (`--edition` starts one now, when that is wanted).
            found = Edition.objects.filter(
                Q(state=EditionState.SENDING) | Q(state=EditionState.SCHEDULED, scheduled_for__lte=timezone.now())
            )
            if list_slug is not None:
                found = found.filter(newsletter_list__slug=list_slug)
        editions = list(found.order_by("pk"))
        if not editions:
            self.stdout.write("Nothing to send.")
            return
        for item in editions:
            self._send(item)

    def _send(self, edition):
        from masthead.newsletter import sending
        from masthead.newsletter.models import EditionState

        if edition.state in (EditionState.DRAFT, EditionState.SCHEDULED):
            sending.edition_start(edition_id=edition.pk, enqueue=False)
            edition.refresh_from_db()
        if edition.state != EditionState.SENDING:
            self.stdout.write(f"Edition {edition.pk} “{edition.subject}” is {edition.get_state_display().lower()}.")
            return
        counts = sending.delivery_counts(edition.pk)
        total = sum(counts.values())
        done_before = total - counts["queued"] - counts["sending"]
        started = time.monotonic()
        self.stdout.write(f"Edition {edition.pk} “{edition.subject}”: {total:,} recipients")

        shown = {"line": ""}

        def show(progress):
            done = min(total, done_before + progress.sent + progress.failed)
            share = done / total if total else 1
            rate = progress.sent / max(time.monotonic() - started, 1e-6)
            bar = "█" * int(share * BAR_WIDTH) + "░" * (BAR_WIDTH - int(share * BAR_WIDTH))
            line = f"  {bar} {done:,}/{total:,} · {rate:,.0f} mails/s"
            shown["line"] = line
            if sys.stdout.isatty():
                self.stdout.write("\r" + line, ending="")
            elif progress.batches % 10 == 1:
                self.stdout.write(line)
                shown["line"] = ""

        sending.edition_send(edition_id=edition.pk, on_batch=show)
        if sys.stdout.isatty():
            self.stdout.write("")
        elif shown["line"]:
            self.stdout.write(shown["line"])
        counts = sending.delivery_counts(edition.pk)
        self.stdout.write("  " + ", ".join(f"{state}: {number:,}" for state, number in counts.items()))
        if counts["queued"]:
            self.stdout.write("  Temporary failures wait for their retry; the worker sends them when due.")
