"""Importing a WordPress export from the admin: an upload form, then a page that follows
the import (run as a task) with a progress bar and ends with the same report the command
prints. For superusers only: an import writes authors, sections, articles, images and
redirects across the whole site. Mounted by wagtail_hooks.py."""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from masthead.wordpress_import.models import ImportRun
from masthead.wordpress_import.tasks import run_import

MAX_UPLOAD_BYTES = 2 * 1024**3
RECENT_RUNS = 10


def _require_superuser(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


class ImportForm(forms.Form):
    export = forms.FileField(
        label="WordPress export",
        help_text="The .xml file from WordPress's Tools → Export → All content.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,text/xml,application/xml,application/rss+xml"}),
    )
    media_base_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Where the images can be fetched",
        help_text="The old site's uploads address, e.g. https://example.org/wp-content/uploads. "
        "Left empty, images stay links to where they were.",
    )
    keep_pingbacks = forms.BooleanField(required=False, label="Import pingbacks and trackbacks as comments too")
    overwrite_edits = forms.BooleanField(
        required=False,
        label="Overwrite edits",
        help_text="Articles and pages edited here since the last import are kept as edited unless this is ticked: "
        "then WordPress's version replaces them.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Only report what would come across (dry run; nothing is changed)"
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 1024**3} GB.")
        start = upload.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not start.startswith((b"<?xml", b"<rss")):
            raise forms.ValidationError("This is not a WordPress export: those are XML files that begin with <?xml.")
        return upload

    def clean_media_base_url(self):
        url = self.cleaned_data["media_base_url"]
        if url and not url.startswith(("http://", "https://")):
            raise forms.ValidationError("Give an http or https address.")
        return url


def _stored(upload) -> Path:
    folder = Path(settings.MASTHEAD_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"export-{secrets.token_hex(8)}.xml"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


class ImportView(WagtailAdminTemplateMixin, FormView):
    page_title = "Import from WordPress"
    header_icon = "download"
    template_name = "wordpress_import/admin/import.html"
    form_class = ImportForm

    def setup(self, request, *args, **kwargs):
        _require_superuser(request)
        super().setup(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "runs": ImportRun.objects.all()[:RECENT_RUNS]}

    def form_valid(self, form):
        upload = form.cleaned_data["export"]
        path = _stored(upload)
        run = ImportRun.objects.create(
            file_name=Path(upload.name).name[:255],
            stored_path=str(path),
            size=path.stat().st_size,
            dry_run=form.cleaned_data["dry_run"],
            keep_pingbacks=form.cleaned_data["keep_pingbacks"],
            overwrite_edits=form.cleaned_data["overwrite_edits"],
            media_base_url=form.cleaned_data["media_base_url"],
            started_by=self.request.user,
        )
        transaction.on_commit(lambda: run_import.enqueue(run.pk))
        return redirect("wordpress_import_run", run.pk)


class ImportRunView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "download"
    template_name = "wordpress_import/admin/run.html"

    def setup(self, request, *args, **kwargs):
        _require_superuser(request)
        super().setup(request, *args, **kwargs)
        self.run = get_object_or_404(ImportRun, pk=kwargs["pk"])

    def get_page_title(self):
        return f"Import of {self.run.file_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wordpress_import"), "label": ImportView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "run": self.run, "stalled": self.run.stalled}

    def post(self, request, *args, **kwargs):
        """Start a stalled run again (its worker was stopped mid-way): the import is
        idempotent, so it goes through the file again without duplicating anything."""
        if self.run.stalled and Path(self.run.stored_path).exists():
            ImportRun.objects.filter(pk=self.run.pk).update(state=ImportRun.State.QUEUED, bytes_read=0, phase="")
            transaction.on_commit(lambda: run_import.enqueue(self.run.pk))
            messages.success(request, "The import starts again.")
        return redirect("wordpress_import_run", self.run.pk)
