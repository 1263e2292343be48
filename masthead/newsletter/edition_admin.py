"""The admin's edition screens: the editions (a snippet: list, compose with a page chooser
in order), and per edition its screen (preview, test, schedule, send now, cancel, and the
live delivery counts, polled from an uncached JSON URL by admin-progress.js), plus the
"send as a breaking alert" confirmation for an article."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from masthead.core import ratelimit
from masthead.newsletter import editions, sending
from masthead.newsletter.models import Edition

CHANGE_EDITION = "newsletter.change_edition"
TEST_SENDS_PER_HOUR = 30


class TestSendForm(forms.Form):
    address = forms.EmailField(label="Send a test to", max_length=254)


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label="Send at (site time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


def _edition(request, pk: int) -> Edition:
    if not request.user.has_perm(CHANGE_EDITION):
        raise PermissionDenied
    return get_object_or_404(Edition.objects.select_related("newsletter_list__site"), pk=pk)


class EditionScreen(WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletter/admin/edition.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.edition = _edition(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Edition: {self.edition.subject}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            edition=self.edition,
            counts=sending.delivery_counts(self.edition.pk),
            not_started=self.edition.state in editions.NOT_STARTED,
            test_form=kwargs.get("test_form") or TestSendForm(),
            schedule_form=kwargs.get("schedule_form") or ScheduleForm(),
            **{key: value for key, value in kwargs.items() if key not in ("test_form", "schedule_form")},
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        edition = self.edition
        try:
            if action == "test":
                form = TestSendForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(test_form=form))
                if not ratelimit.allow(
                    "newsletter-test", str(request.user.pk), limit=TEST_SENDS_PER_HOUR, window_seconds=3600
                ):
                    raise editions.EditionError("Too many test mails this hour.")
                editions.edition_test_send(edition=edition, address=form.cleaned_data["address"])
                messages.success(request, f"A test went to {form.cleaned_data['address']}.")
            elif action == "schedule":
                form = ScheduleForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(schedule_form=form))
                editions.edition_schedule(edition=edition, when=form.cleaned_data["when"])
                messages.success(request, "Scheduled.")
            elif action == "send":
                count = editions.edition_send_now(edition=edition)
                messages.success(request, f"Sending to {count:,} subscribers.")
            elif action == "cancel":
                editions.edition_cancel(edition=edition)
                messages.success(request, "Cancelled.")
            else:
                messages.error(request, "Unknown action.")
        except editions.EditionError as error:
            messages.error(request, str(error))
        return redirect("newsletter_edition", pk=edition.pk)


@never_cache
def edition_preview(request, pk: int):
    edition = _edition(request, pk)
    html = edition.rendered_html if edition.state not in editions.NOT_STARTED else None
    if html:
        html = editions.personalised(html, preferences_url="#preferences", unsubscribe_url="#unsubscribe")
    response = HttpResponse(html or editions.edition_preview_html(edition))
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@never_cache
def edition_progress(request, pk: int):
    edition = _edition(request, pk)
    return JsonResponse({"state": edition.state, "counts": sending.delivery_counts(edition.pk)})


class BreakingAlertScreen(WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletter/admin/breaking.html"
    page_title = "Send as a breaking alert"

    def dispatch(self, request, *args, page_id, **kwargs):
        if not request.user.has_perm("newsletter.add_edition"):
            raise PermissionDenied
        self.page = get_object_or_404(Page, pk=page_id).specific
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        newsletter_list = editions.breaking_list_for(self.page)
        receiving = newsletter_list.subscribers.filter(status="confirmed").count() if newsletter_list is not None else 0
        return super().get_context_data(page=self.page, newsletter_list=newsletter_list, receiving=receiving, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            edition = editions.breaking_alert_send(page=self.page, user=request.user)
        except editions.EditionError as error:
            messages.error(request, str(error))
            return redirect(reverse("newsletter_breaking", args=[self.page.pk]))
        messages.success(request, f"Breaking alert “{edition.subject}” is being sent.")
        return redirect("newsletter_edition", pk=edition.pk)
