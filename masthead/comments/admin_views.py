"""The moderators' views that Wagtail's generic ones do not cover: a staff reply, closing
an article's comments, and its comments' export and import. Mounted by CommentViewSet
(wagtail_hooks.py) under the admin, which already asks for a signed-in admin user;
each view asks for the moderation permission itself."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Site

from masthead.comments import services
from masthead.comments.exchange import MAX_FILE_BYTES, ImportRejected, comments_parse
from masthead.comments.models import Comment, CommentSettings

MODERATE = "comments.change_comment"
QUEUE = "wagtailsnippets_comments_comment"


def default_settings() -> CommentSettings:
    return CommentSettings.for_site(Site.objects.filter(is_default_site=True).first())


def settings_for(page) -> CommentSettings:
    site = page.get_site() if page is not None else None
    return CommentSettings.for_site(site) if site else default_settings()


def _require_moderator(request) -> None:
    if not request.user.has_perm(MODERATE):
        raise PermissionDenied


def _queue_url(**params) -> str:
    return reverse(f"{QUEUE}:list") + ("?" + urlencode(params) if params else "")


def _safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _commentable(page_id: int) -> Page:
    if page_id > 2**62:
        raise Http404
    page = get_object_or_404(Page.objects.select_related("content_type"), pk=page_id)
    if not getattr(page.specific_class, "accepts_comments", False):
        raise Http404
    return page


class ModeratorFormView(WagtailAdminTemplateMixin, FormView):
    header_icon = "comment"
    template_name = "comments/admin/form.html"
    submit_button_label = "Save"

    def setup(self, request, *args, **kwargs):
        # Before any lookup: a 404 would tell a non-moderator which ids exist.
        _require_moderator(request)
        super().setup(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_url": self.request.get_full_path(),
            "submit_button_label": self.submit_button_label,
            "form_is_multipart": True,
        }


class StaffReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)


class StaffReplyView(ModeratorFormView):
    """A reply in the site's name: published at once with the "Staff" badge. Replying
    to a comment that still waits approves it first, as the reply hangs under it."""

    form_class = StaffReplyForm
    page_title = "Reply as staff"
    submit_button_label = "Publish reply"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["pk"] > 2**62:
            raise Http404
        self.comment = get_object_or_404(Comment.objects.select_related("page"), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return f"{self.comment.author_name} on {self.comment.page.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "comment": self.comment}

    def form_valid(self, form):
        comment, user = self.comment, self.request.user
        if comment.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
            form.add_error(None, "This comment was removed; approve it again before replying.")
            return self.form_invalid(form)
        page = comment.page
        author = services.Author(
            name=user.get_full_name() or user.get_username(),
            email=user.email or "",
            user_id=user.pk,
            is_staff=True,
        )
        try:
            # One change: a refused reply leaves the comment it answers as it was.
            with transaction.atomic():
                if comment.status == Comment.Status.PENDING:
                    services.comment_set_status(comment=comment, status=Comment.Status.APPROVED, moderator=user)
                services.comment_create(
                    page=page,
                    author=author,
                    body=form.cleaned_data["body"],
                    settings=settings_for(page),
                    parent_id=comment.pk,
                )
        except services.CommentRefused as refused:
            form.add_error("body" if refused.field == "body" else None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Your reply to {comment.author_name} is published.")
        return redirect(_queue_url(article=page.pk, status="all"))


class CloseForm(forms.Form):
    closed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DiscussionCloseView(ModeratorFormView):
    """Close an article's comments (the thread stays readable) or open them again."""

    form_class = CloseForm
    template_name = "comments/admin/confirm_close.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = _commentable(kwargs["page_id"])
        from masthead.comments.selectors import discussion_for

        self.closed = discussion_for(self.page.pk).closed

    def get_page_title(self):
        return "Reopen comments" if self.closed else "Close comments"

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_initial(self):
        return {"closed": not self.closed}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page": self.page,
            "closed": self.closed,
            "next": _safe_next(self.request, _queue_url(article=self.page.pk, status="all")),
        }

    def form_valid(self, form):
        closed = form.cleaned_data["closed"]
        services.discussion_set_closed(page_id=self.page.pk, closed=closed)
        messages.success(
            self.request,
            f"Comments on '{self.page.get_admin_display_title()}' are {'closed' if closed else 'open again'}.",
        )
        return redirect(_safe_next(self.request, _queue_url(article=self.page.pk, status="all")))


def comments_export_view(request, page_id: int):
    _require_moderator(request)
    page = _commentable(page_id)
    body = json.dumps(services.comments_export(page), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comments-page-{page.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class ImportForm(forms.Form):
    file = forms.FileField(label="Comments file (JSON, as exported)")
    dry_run = forms.BooleanField(
        label="Check only",
        required=False,
        help_text="Read and check the file, and say what it would do; change nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        try:
            self.data_found = comments_parse(upload.read())
        except ImportRejected as rejected:
            raise forms.ValidationError(rejected.errors) from None
        return upload


class CommentsImportView(ModeratorFormView):
    """Upload an export: comments it made before are updated, new ones added, threading
    kept. Any error leaves the article's comments as they were."""

    form_class = ImportForm
    page_title = "Import comments"
    submit_button_label = "Import"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = _commentable(kwargs["page_id"])

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def form_valid(self, form):
        try:
            report = services.comments_import(self.page, form.data_found, dry_run=form.cleaned_data["dry_run"])
        except ImportRejected as rejected:
            for error in rejected.errors:
                form.add_error("file", error)
            return self.form_invalid(form)
        messages.success(self.request, str(report))
        if report.dry_run:
            return self.render_to_response(self.get_context_data(form=form, report=report))
        return redirect(_queue_url(article=self.page.pk, status="all"))
