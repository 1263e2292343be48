"""`masthead donations reconcile`: settle donations whose outcome was never recorded."""

from datetime import timedelta

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Donations: `reconcile` settles orders created or approved but never recorded as captured."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser("reconcile", help=self.help)
        reconcile.add_argument(
            "--min-age-seconds", type=int, default=120, help="Leave younger orders to the reader's own return."
        )

    def handle(self, *args, action, min_age_seconds=120, **options):
        from masthead.donations.services import donations_reconcile

        counts = donations_reconcile(min_age=timedelta(seconds=max(0, min_age_seconds)))
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
