from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "masthead.analytics"
    label = "analytics"
    verbose_name = "Audience analytics"

    def ready(self):
        from masthead.analytics import jobs, reports, trending
        from masthead.core import periodic

        periodic.register(
            # Trending and Most read change by the minute; building them here keeps the
            # aggregate off readers' requests (the boxes read what this keeps).
            periodic.PeriodicJob("refresh Trending and Most read", trending.LISTS_SECONDS, trending.refresh_site_lists)
        )
        periodic.register(
            # A year of daily rows takes seconds to group on SQLite: built here, not while
            # an editor waits (reports.py).
            periodic.PeriodicJob("build the audience dashboard's year", reports.KEPT_SECONDS, reports.warm_year_reports)
        )

        # Counts wait in Redis at most this long; a flush with nothing waiting is one RENAME.
        periodic.register(periodic.PeriodicJob("flush view counts from Redis", 10, jobs.flush_redis_counts))
        periodic.register(periodic.PeriodicJob("forget old visitor salts and hashes", 300, jobs.forget_old_visitors))
