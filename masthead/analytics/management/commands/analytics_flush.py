from django.core.management.base import BaseCommand

from masthead.analytics.flush import flush_counts


class Command(BaseCommand):
    help = "Move view and ad counts waiting in Redis into the database now (the worker does it every 10 s)."

    def handle(self, *args, **options):
        applied = flush_counts()
        self.stdout.write(f"Applied {applied} batch(es) of counts.")
