from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "masthead.ads"
    label = "ads"
    verbose_name = "Advertising"

    def ready(self):
        from masthead.ads import invalidation, schedule
        from masthead.core import periodic

        invalidation.connect()
        periodic.register(
            periodic.PeriodicJob("purge when scheduled ads start or end", 30, schedule.purge_when_the_chosen_ads_change)
        )
