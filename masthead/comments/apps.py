from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from masthead.comments import invalidation, notifications
        from masthead.core import periodic

        invalidation.connect()
        periodic.register(
            # Digests wait for their window to end; checking every minute sends each at most
            # a minute late, and a check with nothing due is one small query.
            periodic.PeriodicJob("send comment notification digests", 60, notifications.send_due_digests)
        )
