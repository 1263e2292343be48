"""The Donations menu item and its screen, for users with `donations.view_donations`
(Editors, migration 0002); the settings are under Settings → Donation settings."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from masthead.donations.admin_views import VIEW_DONATIONS, DonationsView


@hooks.register("register_admin_urls")
def register_donations_url():
    return [path("donations/", DonationsView.as_view(), name="donations_admin")]


class DonationsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_DONATIONS)


@hooks.register("register_admin_menu_item")
def register_donations_menu_item():
    return DonationsMenuItem("Donations", reverse("donations_admin"), icon_name="pick", order=260)
