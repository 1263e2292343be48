"""Newsletter menu in the Wagtail admin: editions (compose, then their screen with
preview, test, schedule, send and live progress), lists (create, edit, order, schedule)
and subscribers (search, filters with counts per status, edit, CSV export and import),
and "Send as a breaking alert" on an article's header menu. Who
sees them: users with the models' permissions (Editors, migration 0003)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from masthead.newsletter import admin_views
from masthead.newsletter.edition_admin import BreakingAlertScreen, EditionScreen, edition_preview, edition_progress
from masthead.newsletter.models import Edition, EditionState, NewsletterList, Subscriber, SubscriberStatus
from masthead.newsletter.selectors import status_counts


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "mail"
    menu_label = "Editions"
    menu_name = "newsletter_editions"
    list_display = ["subject", "newsletter_list", "kind", "state", "scheduled_for", "created_at"]
    list_filter = ["state", "kind", "newsletter_list"]
    search_fields = ["subject"]


class NewsletterListIndexView(SnippetIndexView):
    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        counts = admin_views.list_counts()
        for newsletter_list in context.get("object_list") or []:
            newsletter_list.confirmed_count = counts.get(newsletter_list.pk, 0)
        return context


class NewsletterListViewSet(SnippetViewSet):
    model = NewsletterList
    icon = "list-ul"
    menu_label = "Lists"
    menu_name = "newsletter_lists"
    index_view_class = NewsletterListIndexView
    sort_order_field = "position"
    copy_view_enabled = False
    list_display = [
        "name",
        Column("kind", label="Kind", accessor="get_kind_display"),
        Column("frequency", label="Schedule", accessor="get_frequency_display"),
        "send_time",
        "public",
        Column("confirmed_count", label="Confirmed subscribers", accessor="confirmed_count"),
    ]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("site"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("public")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("frequency"), FieldPanel("send_time"), FieldPanel("weekday")])],
            "Schedule (digests)",
        ),
        FieldPanel("position"),
    ]


class SubscriberIndexView(SnippetIndexView):
    default_ordering = "-created_at"

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        query = self.request.GET.copy()
        for name in ("p", "_w_filter_fragment"):
            query.pop(name, None)
        export_url = reverse("newsletter_export") + ("?" + query.urlencode() if query else "")
        buttons.append(HeaderButton("Export CSV", url=export_url, icon_name="download"))
        if self.request.user.has_perm(admin_views.IMPORT_SUBSCRIBERS):
            buttons.append(HeaderButton("Import CSV", url=reverse("newsletter_import"), icon_name="upload"))
        return buttons

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["status_counts"] = [
            (label, counts_by_status.get(value, 0), value)
            for counts_by_status in [status_counts()]
            for value, label in SubscriberStatus.choices
        ]
        return context


def status_label(subscriber: Subscriber) -> str:
    if subscriber.status == "confirmed" and subscriber.paused_until and not subscriber.receives_mail():
        return "Confirmed, paused"
    return subscriber.get_status_display()


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    icon = "user"
    menu_label = "Subscribers"
    menu_name = "newsletter_subscribers"
    index_view_class = SubscriberIndexView
    index_template_name = "newsletter/admin/subscribers.html"
    filterset_class = admin_views.SubscriberFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["email"]
    search_backend_name = None
    list_display = [
        "email",
        Column("status", label="Status", accessor=status_label),
        Column("source", label="Source", accessor="get_source_display"),
        DateColumn("created_at", label="Signed up", sort_key="created_at"),
        DateColumn("confirmed_at", label="Confirmed", sort_key="confirmed_at"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("site"),
            FieldPanel("email"),
            FieldPanel("status"),
            FieldPanel("newsletter_lists"),
            FieldPanel("paused_until"),
            FieldPanel("consent_text", read_only=True),
        ],
        base_form_class=admin_views.SubscriberAdminForm,
    )


class NewsletterGroup(SnippetViewSetGroup):
    items = (EditionViewSet, NewsletterListViewSet, SubscriberViewSet)
    menu_icon = "mail"
    menu_label = "Newsletter"
    menu_name = "newsletter"
    add_to_admin_menu = True
    menu_order = 270


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def register_newsletter_urls():
    return [
        path("newsletter/editions/<int:pk>/", EditionScreen.as_view(), name="newsletter_edition"),
        path("newsletter/editions/<int:pk>/preview/", edition_preview, name="newsletter_edition_preview"),
        path("newsletter/editions/<int:pk>/progress/", edition_progress, name="newsletter_edition_progress"),
        path("newsletter/breaking/<int:page_id>/", BreakingAlertScreen.as_view(), name="newsletter_breaking"),
        path("newsletter/subscribers/export/", admin_views.export_view, name="newsletter_export"),
        path("newsletter/subscribers/import/", admin_views.ImportView.as_view(), name="newsletter_import"),
        path(
            "newsletter/subscribers/import/<int:pk>/",
            admin_views.ImportProgressView.as_view(),
            name="newsletter_import_progress",
        ),
    ]


def subscribers_url(**params) -> str:
    url = reverse("wagtailsnippets_newsletter_subscriber:list")
    return f"{url}?{urlencode(params)}" if params else url


@hooks.register("register_page_header_buttons")
def breaking_alert_button(page, user, view_name, next_url=None):
    if (
        getattr(page.specific_class, "__name__", "") == "ArticlePage"
        and page.live
        and user.has_perm("newsletter.add_edition")
    ):
        yield Button(
            "Send as a breaking alert", reverse("newsletter_breaking", args=[page.pk]), icon_name="mail", priority=80
        )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def to_the_edition_screen(request, instance):
    if isinstance(instance, Edition):
        from django.shortcuts import redirect

        return redirect("newsletter_edition", pk=instance.pk)
    return None


# An edition is rendered when it starts sending and its subject read per batch: one that
# is sending or was sent is kept as it went out (and keeps its delivery records).
EDITABLE_STATES = (EditionState.DRAFT, EditionState.SCHEDULED)


@hooks.register("before_edit_snippet")
@hooks.register("before_delete_snippet")
def only_unsent_editions_change(request, instance):
    instances = instance if isinstance(instance, list | tuple) else [instance]
    for edition in instances:
        if isinstance(edition, Edition):
            state = Edition.objects.filter(pk=edition.pk).values_list("state", flat=True).first()
            if state is not None and state not in EDITABLE_STATES:
                from django.contrib import messages
                from django.shortcuts import redirect

                messages.warning(
                    request,
                    f"“{edition.subject}” is {edition.get_state_display().lower()}: it can no longer be changed.",
                )
                return redirect("newsletter_edition", pk=edition.pk)
    return None


@hooks.register("before_delete_snippet")
def lists_with_editions_stay(request, instance):
    """A list keeps its editions' record (who was sent what: the edition's list is
    protected), so one that has editions is not deleted; Wagtail's usage check does not
    see them (the newsletter's models are kept out of the reference index) and the delete
    ended in a 500."""
    instances = instance if isinstance(instance, list | tuple) else [instance]
    for newsletter_list in instances:
        if isinstance(newsletter_list, NewsletterList):
            editions = Edition.objects.filter(newsletter_list=newsletter_list).count()
            if editions:
                from django.contrib import messages
                from django.shortcuts import redirect

                messages.error(
                    request,
                    f"“{newsletter_list.name}” has {editions} edition{'s' if editions != 1 else ''}, which keep "
                    "the record of what was sent: it cannot be deleted. Make it private, or leave it unscheduled.",
                )
                return redirect("wagtailsnippets_newsletter_newsletterlist:edit", newsletter_list.pk)
    return None
