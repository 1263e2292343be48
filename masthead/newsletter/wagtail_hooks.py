"""The newsletter's admin: editions (compose, then their screen), and "Send as a breaking
alert" on an article's header menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.newsletter.edition_admin import BreakingAlertScreen, EditionScreen, edition_preview, edition_progress
from masthead.newsletter.models import Edition, EditionState


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "mail"
    menu_label = "Newsletter editions"
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["subject", "newsletter_list", "kind", "state", "scheduled_for", "created_at"]
    list_filter = ["state", "kind", "newsletter_list"]
    search_fields = ["subject"]


register_snippet(EditionViewSet)


@hooks.register("register_admin_urls")
def register_edition_urls():
    return [
        path("newsletter/editions/<int:pk>/", EditionScreen.as_view(), name="newsletter_edition"),
        path("newsletter/editions/<int:pk>/preview/", edition_preview, name="newsletter_edition_preview"),
        path("newsletter/editions/<int:pk>/progress/", edition_progress, name="newsletter_edition_progress"),
        path("newsletter/breaking/<int:page_id>/", BreakingAlertScreen.as_view(), name="newsletter_breaking"),
    ]


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
