from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "masthead.donations"
    label = "donations"
    verbose_name = "Donations"

    def ready(self):
        from masthead.core import periodic
        from masthead.donations import invalidation, jobs

        invalidation.connect()
        periodic.register(
            # Settles orders whose capture we never recorded (a crash between PayPal's
            # capture and our commit, a reader who closed the tab after approving).
            periodic.PeriodicJob("reconcile donations with PayPal", jobs.RECONCILE_EVERY_SECONDS, jobs.reconcile)
        )
