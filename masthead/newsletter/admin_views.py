"""The newsletter's reader side in the Wagtail admin: subscribers (list, search, filters
with counts per status, edit), the streamed CSV export, and the CSV import with its
progress page. For users with the newsletter's model permissions (Editors, migration
0003); the settings are under Settings → Newsletter."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from masthead.newsletter import imports, selectors, services
from masthead.newsletter.models import NewsletterList, Subscriber, SubscriberImport, SubscriberStatus, Subscription

VIEW_SUBSCRIBERS = "newsletter.view_subscriber"
IMPORT_SUBSCRIBERS = "newsletter.add_subscriberimport"
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class SubscriberFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=SubscriberStatus.choices, label="Status", empty_label="Any status")
    newsletter_list = django_filters.ModelChoiceFilter(
        field_name="subscriptions__newsletter_list",
        queryset=NewsletterList.objects.all(),
        label="List",
        empty_label="Any list",
        distinct=True,
    )
    source = django_filters.ChoiceFilter(choices=Subscriber.Source.choices, label="Source", empty_label="Any source")

    class Meta:
        model = Subscriber
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Counts per status beside each choice: one GROUP BY over every subscriber.
        counts = selectors.status_counts()
        self.filters["status"].extra["choices"] = [
            (value, f"{label} ({counts[value]:,})") for value, label in SubscriberStatus.choices
        ]


def filtered_subscribers(data) -> tuple[SubscriberFilterSet, object]:
    filterset = SubscriberFilterSet(data or None, queryset=Subscriber.objects.all())
    queryset = filterset.qs if filterset.is_valid() else Subscriber.objects.none()
    query = str((data or {}).get("q", ""))[:254].strip()
    if query:
        queryset = queryset.filter(email__icontains=query)
    return filterset, queryset


class SubscriberAdminForm(WagtailAdminModelForm):
    newsletter_lists = forms.ModelMultipleChoiceField(
        queryset=NewsletterList.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Lists"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["newsletter_lists"].initial = list(
                self.instance.subscriptions.values_list("newsletter_list_id", flat=True)
            )
        if "site" in self.fields and not self.instance.pk:
            self.fields["site"].initial = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()

    def clean_email(self):
        try:
            return services.clean_email(self.cleaned_data.get("email"))
        except services.SignupRefused as refusal:
            raise forms.ValidationError(refusal.message) from None

    def clean(self):
        data = super().clean()
        site, email = data.get("site") or getattr(self.instance, "site", None), data.get("email")
        if site and email:
            taken = Subscriber.objects.filter(site=site, email__iexact=email).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("email", "This address is subscribed already: search for it in the list.")
        return data

    def save(self, commit=True):
        subscriber = super().save(commit=False)
        now = timezone.now()
        if not subscriber.pk:
            subscriber.source = Subscriber.Source.ADMIN
        if subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at is None:
            subscriber.confirmed_at = now
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED and subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = now
        if subscriber.status == SubscriberStatus.BOUNCED and subscriber.bounced_at is None:
            subscriber.bounced_at = now
        if commit:
            subscriber.save()
            self.save_lists(subscriber)
        return subscriber

    def save_lists(self, subscriber):
        wanted = {newsletter_list.pk for newsletter_list in self.cleaned_data.get("newsletter_lists") or []}
        subscriber.subscriptions.exclude(newsletter_list_id__in=wanted).delete()
        Subscription.objects.bulk_create(
            [Subscription(subscriber=subscriber, newsletter_list_id=pk) for pk in sorted(wanted)],
            ignore_conflicts=True,
        )


def export_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(imports.export_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.now():%Y-%m-%d}.csv"'
    return response


def export_view(request):
    if not request.user.has_perm(VIEW_SUBSCRIBERS):
        raise PermissionDenied
    _, queryset = filtered_subscribers(request.GET)
    return export_response(queryset)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, with a first line naming the columns: “email” and “lists” (list slugs or names, "
        "separated by “;”), and “status” if you have one: unsubscribed and bounced rows are kept so and never "
        "mailed, pending rows get a confirmation mail. An export of this screen imports back as it was.",
    )
    consented = forms.BooleanField(
        required=False,
        label="These people already consented to get these newsletters",
        help_text="Ticked: they are confirmed at once. Not ticked: each new address gets a confirmation mail "
        "and receives nothing until it confirms. Unsubscribed and bounced addresses are never subscribed again.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it.")
        return upload


class _NewsletterAdminView(WagtailAdminTemplateMixin, TemplateView):
    permission = IMPORT_SUBSCRIBERS
    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_newsletter_subscriber:list"), "label": "Subscribers"},
            {"url": "", "label": self.page_title},
        ]


class ImportView(_NewsletterAdminView):
    page_title = "Import subscribers"
    template_name = "newsletter/admin/import.html"

    def get(self, request, *args, **kwargs):
        recent = SubscriberImport.objects.order_by("-created_at")[:10]
        return self.render_to_response(self.get_context_data(form=ImportForm(), recent=recent))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
            try:
                job = imports.import_create(
                    site=site,
                    upload=form.cleaned_data["file"],
                    consented=form.cleaned_data["consented"],
                    user=request.user,
                )
            except imports.ImportRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                return redirect("newsletter_import_progress", job.pk)
        recent = SubscriberImport.objects.order_by("-created_at")[:10]
        return self.render_to_response(self.get_context_data(form=form, recent=recent), status=400)


class ImportProgressView(_NewsletterAdminView):
    """Refreshes itself (a meta refresh: the admin's CSP allows no inline script) until
    the import is done; a stalled one (a worker stopped) can be started again."""

    page_title = "Import progress"
    template_name = "newsletter/admin/import_progress.html"
    REFRESH_SECONDS = 2

    def get(self, request, pk: int, *args, **kwargs):
        job = get_object_or_404(SubscriberImport, pk=pk)
        context = self.get_context_data(
            job=job,
            problems=[line for line in job.problems.splitlines() if line],
            refresh=self.REFRESH_SECONDS if job.state != SubscriberImport.State.DONE else None,
            chunks_left=job.chunks.filter(done=False).count(),
        )
        return self.render_to_response(context)

    def post(self, request, pk: int, *args, **kwargs):
        job = get_object_or_404(SubscriberImport, pk=pk)
        if job.state != SubscriberImport.State.DONE:
            from masthead.newsletter import tasks

            tasks.process_import.enqueue(job.pk)
            messages.success(request, "The import continues.")
        return redirect("newsletter_import_progress", job.pk)


def list_counts() -> dict[int, int]:
    return dict(
        Subscription.objects.filter(subscriber__status=SubscriberStatus.CONFIRMED)
        .values_list("newsletter_list_id")
        .annotate(n=Count("id"))
        .values_list("newsletter_list_id", "n")
    )
