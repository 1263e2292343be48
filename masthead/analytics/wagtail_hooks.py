"""The audience dashboard ("Audience" in the admin menu) and editors' Trending choices
(pin an article to the top of Trending or keep it out, until a time or for good).

Both are for users with `analytics.view_reports` (Editors and Moderators, migration
0003): seeing what readers read and steering Trending go together, so one permission
covers them rather than three more model permissions to grant.
"""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.analytics import trending
from masthead.analytics.admin_views import VIEW_REPORTS, AudienceDashboardView
from masthead.analytics.models import TrendingChoice


@hooks.register("register_admin_urls")
def register_dashboard_url():
    return [path("audience/", AudienceDashboardView.as_view(), name="analytics_dashboard")]


class AudienceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_REPORTS)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return AudienceMenuItem("Audience", reverse("analytics_dashboard"), icon_name="view", order=250)


class TrendingChoicePermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return user.is_active and user.has_perm(VIEW_REPORTS)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)


register_permission_policy(TrendingChoice, TrendingChoicePermissionPolicy(TrendingChoice), exact_class=True)


class TrendingChoiceCreateView(SnippetCreateView):
    """ "Pin or exclude" from the dashboard's top list arrives with the article chosen."""

    def get_initial_form_instance(self):
        choice = super().get_initial_form_instance() or TrendingChoice()
        page_id = self.request.GET.get("page", "")
        if page_id.isdigit() and int(page_id) < 2**31:
            choice.page_id = int(page_id)
        return choice

    def save_instance(self):
        instance = super().save_instance()
        trending.forget_reader_lists()
        return instance


class TrendingChoiceViewSet(SnippetViewSet):
    model = TrendingChoice
    icon = "pick"
    menu_label = "Trending choices"
    menu_name = "trending_choices"
    add_to_admin_menu = True
    menu_order = 251
    add_view_class = TrendingChoiceCreateView
    copy_view_enabled = False
    list_display = [
        Column("page", label="Article", accessor="page.title"),
        Column("kind", label="Choice", accessor="get_kind_display"),
        DateColumn("until", label="Until"),
        DateColumn("created_at", label="Chosen"),
    ]
    list_filter = ["kind"]
    panels = [PageChooserPanel("page", "news.ArticlePage"), FieldPanel("kind"), FieldPanel("until")]


register_snippet(TrendingChoiceViewSet)


@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def forget_lists_after_a_choice_changes(request, instances_or_instance):
    instances = instances_or_instance if isinstance(instances_or_instance, list | tuple) else [instances_or_instance]
    if any(isinstance(instance, TrendingChoice) for instance in instances):
        trending.forget_reader_lists()
