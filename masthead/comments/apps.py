from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from masthead.comments import invalidation

        invalidation.connect()
