from django.apps import AppConfig


class WordpressImportConfig(AppConfig):
    name = "masthead.wordpress_import"
    label = "wordpress_import"
    verbose_name = "Import from WordPress"
