from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "masthead.ads"
    label = "ads"
    verbose_name = "Advertising"

    def ready(self):
        from masthead.ads import invalidation

        invalidation.connect()
