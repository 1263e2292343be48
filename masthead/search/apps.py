from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "masthead.search"
    label = "site_search"  # "search" reads like Wagtail's own search app in the admin
    verbose_name = "Site search"
