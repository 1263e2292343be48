from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "masthead.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from masthead.newsletter import invalidation

        invalidation.connect()
