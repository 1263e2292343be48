from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "masthead.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from masthead.core import periodic
        from masthead.newsletter import invalidation, jobs

        invalidation.connect()
        periodic.register(
            periodic.PeriodicJob(
                "newsletter digests, scheduled editions and resumed sends", jobs.EVERY_SECONDS, jobs.run
            )
        )
