from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "masthead.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from masthead.news import invalidation, signal_handlers

        signal_handlers.register()
        invalidation.connect()
