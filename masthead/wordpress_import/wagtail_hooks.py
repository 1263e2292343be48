"""The admin's WordPress import: Settings → Import from WordPress (superusers only)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from masthead.wordpress_import.admin_views import ImportRunView, ImportView


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("wordpress-import/", ImportView.as_view(), name="wordpress_import"),
        path("wordpress-import/<int:pk>/", ImportRunView.as_view(), name="wordpress_import_run"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_import_menu_item():
    return SuperuserMenuItem("Import from WordPress", reverse("wordpress_import"), icon_name="download", order=900)
