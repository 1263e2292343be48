from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "masthead.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"
