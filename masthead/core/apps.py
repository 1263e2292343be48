from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from masthead.core import invalidation, signal_handlers

        signal_handlers.register()
        invalidation.connect()
