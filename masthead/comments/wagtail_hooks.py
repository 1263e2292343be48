"""Moderators in the Wagtail admin: the queue of comments across all articles (a snippet
listing with filters, search, row and bulk actions), bans, pending counts on the
dashboard and in the page explorer, closing an article's comments, export and import.

Every change of a comment's state goes through masthead.comments.services, which keeps
the counts and purges only that article's discussion. Who moderates: users with
`comments.change_comment` (given to the Moderators and Editors groups by migration 0002).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import OuterRef, Subquery
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from masthead.comments import admin_views, selectors, services
from masthead.comments.models import Ban, Comment, Discussion

MODERATE = "comments.change_comment"
DASHBOARD_LATEST = 5


def can_moderate(user) -> bool:
    return user.has_perm(MODERATE)


def queue_url(**params) -> str:
    url = reverse(CommentViewSet.url_namespace_for_queue + ":list")
    return f"{url}?{urlencode(params)}" if params else url


def status_action_url(action_type: str, comment_ids, next_url: str) -> str:
    query = [("next", next_url)] + [("id", pk) for pk in comment_ids]
    return reverse("wagtail_bulk_action", args=("comments", "comment", action_type)) + "?" + urlencode(query)


# The queue


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Comments come from readers and leave through the trash: nobody adds one from the
    admin, and nobody deletes one there (that would skip the counts and the purge)."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Comment, CommentPermissionPolicy(Comment), exact_class=True)


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CommentFilterSet(WagtailFilterSet):
    ALL = "all"

    status = django_filters.ChoiceFilter(
        choices=[(ALL, "Any status"), *Comment.Status.choices],
        empty_label=None,
        initial=Comment.Status.PENDING,
        method="filter_status",
        label="Status",
    )
    article = IdFilter(field_name="page_id", label="Article (page id)", min_value=1, max_value=2**62)
    created_at = django_filters.DateFromToRangeFilter(label="Posted", widget=DateRangePickerWidget)

    class Meta:
        model = Comment
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The queue opens on the comments waiting for a moderator.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Comment.Status.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset if value == self.ALL else queryset.filter(status=value)


def excerpt(comment: Comment) -> str:
    return Truncator(comment.body).chars(140)


class CommentIndexView(SnippetIndexView):
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")

    @property
    def next_url(self) -> str:
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return self.index_url + ("?" + query.urlencode() if query else "")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if not can_moderate(user):
            return buttons
        next_url = self.next_url
        if instance.status == Comment.Status.PENDING:
            buttons.append(
                ListingButton(
                    "Approve",
                    url=status_action_url("approve", [instance.pk], next_url),
                    icon_name="check",
                    priority=1,
                    attrs={"aria-label": f"Approve the comment by {instance.author_name}"},
                )
            )
        for action in STATUS_ACTIONS:
            if instance.status != action.status and not (
                action.status == Comment.Status.APPROVED and instance.status == Comment.Status.PENDING
            ):
                buttons.append(
                    MenuItem(
                        action.row_label,
                        url=status_action_url(action.action_type, [instance.pk], next_url),
                        icon_name=action.icon,
                        priority=action.row_priority,
                    )
                )
        if instance.status in (Comment.Status.PENDING, Comment.Status.APPROVED):
            buttons.append(
                MenuItem("Reply as staff", url=reverse(self.reply_url_name, args=[instance.pk]), icon_name="comment")
            )
        buttons.append(
            MenuItem("All comments on this article", url=queue_url(article=instance.page_id, status="all"), priority=60)
        )
        if user.has_perm("comments.add_ban"):
            add_ban = reverse(BanViewSet.url_namespace_for_bans + ":add")
            if instance.author_email:
                buttons.append(
                    MenuItem(
                        "Ban this email address",
                        url=f"{add_ban}?{urlencode({'kind': 'email', 'value': instance.author_email})}",
                        icon_name="warning",
                        priority=70,
                    )
                )
            if instance.ip_address:
                buttons.append(
                    MenuItem(
                        "Ban this network address",
                        url=f"{add_ban}?{urlencode({'kind': 'ip', 'value': instance.ip_address})}",
                        icon_name="warning",
                        priority=71,
                    )
                )
        return buttons

    @property
    def reply_url_name(self) -> str:
        return CommentViewSet.url_namespace_for_queue + ":reply"

    def _article(self):
        if not (self.filters and self.filters.is_valid()):
            return None
        page_id = self.filters.form.cleaned_data.get("article")
        if not page_id:
            return None
        from wagtail.models import Page

        return Page.objects.filter(pk=page_id).first()

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        page = self._article()
        if page is not None and can_moderate(self.request.user):
            buttons.extend(
                article_buttons(page, closed=selectors.discussion_for(page.pk).closed, next_url=self.next_url)
            )
        return buttons

    def get_page_subtitle(self):
        page = self._article()
        return page.get_admin_display_title() if page is not None else super().get_page_subtitle()


class CommentForm(forms.ModelForm):
    """The body, as the moderator edits it; saved by services.comment_edit."""

    def clean_body(self):
        from masthead.comments.text import clean_text

        body = clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("A comment cannot be empty; move it to the trash instead.")
        limit = admin_views.settings_for(self.instance.page).max_length
        if len(body) > limit:
            raise forms.ValidationError(f"Comments may be at most {limit:,} characters long.")
        return body


class CommentEditView(SnippetEditView):
    def save_instance(self):
        comment = services.comment_edit(
            comment=self.object,
            body=self.form.cleaned_data["body"],
            settings=admin_views.settings_for(self.object.page),
            by_moderator=self.request.user,
        )
        log(instance=comment, action="wagtail.edit", user=self.request.user)
        return comment


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Queue"
    menu_name = "comment_queue"
    url_namespace_for_queue = "wagtailsnippets_comments_comment"
    index_view_class = CommentIndexView
    edit_view_class = CommentEditView
    filterset_class = CommentFilterSet
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["author_name", "author_email", "body"]
    list_display = [
        "author_name",
        Column("article", label="Article", accessor="page.title"),
        "author_email",
        "ip_address",
        Column("status", label="Status", accessor="get_status_display"),
        "hold_reason",
        Column("excerpt", label="Comment", accessor=excerpt),
        DateColumn("created_at", label="Posted", sort_key="created_at"),
    ]

    def get_form_class(self, for_update=False):
        from wagtail.admin.forms.models import WagtailAdminModelForm

        return type(
            "CommentModerationForm",
            (CommentForm, WagtailAdminModelForm),
            {"Meta": type("Meta", (), {"model": Comment, "fields": ["body"]})},
        )

    def get_edit_handler(self):
        from wagtail.admin.panels import FieldPanel, ObjectList

        return ObjectList([FieldPanel("body")]).bind_to_model(self.model)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("reply/<int:pk>/", admin_views.StaffReplyView.as_view(), name="reply"),
            path("article/<int:page_id>/close/", admin_views.DiscussionCloseView.as_view(), name="close"),
            path("article/<int:page_id>/export/", admin_views.comments_export_view, name="export"),
            path("article/<int:page_id>/import/", admin_views.CommentsImportView.as_view(), name="import"),
        ]


def article_buttons(page, *, closed: bool, next_url: str) -> list:
    namespace = CommentViewSet.url_namespace_for_queue
    close_url = reverse(f"{namespace}:close", args=[page.pk]) + "?" + urlencode({"next": next_url})
    return [
        Button(
            "Reopen comments" if closed else "Close comments",
            url=close_url,
            icon_name="lock-open" if closed else "lock",
            priority=80,
        ),
        Button(
            "Export comments (JSON)",
            url=reverse(f"{namespace}:export", args=[page.pk]),
            icon_name="download",
            priority=81,
        ),
        Button(
            "Import comments (JSON)",
            url=reverse(f"{namespace}:import", args=[page.pk]),
            icon_name="upload",
            priority=82,
        ),
    ]


# Bans


class BanCreateView(SnippetCreateView):
    """ "Ban this author" from a queue row arrives with the kind and the address filled in."""

    def get_initial_form_instance(self):
        ban = super().get_initial_form_instance() or Ban()
        kind = self.request.GET.get("kind", "")
        if kind in Ban.Kind.values:
            ban.kind = kind
            ban.value = self.request.GET.get("value", "")[:254]
        return ban

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class BanViewSet(SnippetViewSet):
    model = Ban
    icon = "warning"
    menu_label = "Bans"
    menu_name = "comment_bans"
    url_namespace_for_bans = "wagtailsnippets_comments_ban"
    add_view_class = BanCreateView
    copy_view_enabled = False
    list_display = ["value", "kind", "expires_at", "reason", DateColumn("created_at", label="Created")]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    panels = ["kind", "value", "expires_at", "reason"]


class CommentsGroup(SnippetViewSetGroup):
    items = (CommentViewSet, BanViewSet)
    menu_icon = "comment"
    menu_label = "Comments"
    menu_name = "reader_comments"


register_snippet(CommentsGroup)


# Row and bulk actions: approve, trash, spam, back to pending


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label="Statement of reasons",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the commenter. Leave the site's notice, write your own, or empty it to say nothing.",
    )


class CommentStatusAction(SnippetBulkAction):
    models = [Comment]
    status = ""
    row_label = ""
    row_priority = 20
    icon = "check"
    template_name = "comments/admin/confirm_status.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [int(pk) for pk in object_ids if pk.isascii() and pk.isdigit() and len(pk) < 19]
        return list(Comment.objects.filter(pk__in=ids).select_related("page").order_by("-created_at"))

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" would reach comments the moderator never saw (the listing's
        # filters are not sent along): only the rows on the screen count.
        return []

    def check_perm(self, obj):
        return can_moderate(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}

    def get_execution_context(self):
        reason = self.cleaned_form.cleaned_data.get("reason", "") if self.cleaned_form else ""
        return {"user": self.request.user, "reason": reason.strip(), "status": self.status}

    @classmethod
    def execute_action(cls, objects, user=None, reason="", status="", **kwargs):
        for comment in objects:
            services.comment_set_status(comment=comment, status=status, moderator=user, reason=reason)
            log(instance=comment, action="wagtail.edit", user=user)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} comment{'s' if num_parent_objects != 1 else ''} {self.done}."


class ApproveAction(CommentStatusAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve the selected comments"
    status = Comment.Status.APPROVED
    row_label = "Approve"
    row_priority = 11
    action_priority = 10
    done = "approved"


class TrashAction(CommentStatusAction):
    display_name = "Move to trash"
    action_type = "trash"
    aria_label = "Move the selected comments to the trash"
    status = Comment.Status.TRASH
    row_label = "Reject (move to trash)"
    row_priority = 12
    action_priority = 20
    icon = "bin"
    form_class = RemovalForm
    classes = {"serious"}
    done = "moved to the trash"

    def get_initial(self):
        return {"reason": admin_views.default_settings().removal_notice}


class SpamAction(TrashAction):
    display_name = "Mark as spam"
    action_type = "spam"
    aria_label = "Mark the selected comments as spam"
    status = Comment.Status.SPAM
    row_label = "Mark as spam"
    row_priority = 13
    action_priority = 30
    icon = "warning"
    done = "marked as spam"


class PendingAction(CommentStatusAction):
    display_name = "Back to pending"
    action_type = "pending"
    aria_label = "Put the selected comments back in the queue"
    status = Comment.Status.PENDING
    row_label = "Back to pending"
    row_priority = 14
    action_priority = 40
    icon = "resubmit"
    done = "put back in the queue"


STATUS_ACTIONS = (ApproveAction, TrashAction, SpamAction, PendingAction)
for _action in STATUS_ACTIONS:
    hooks.register("register_bulk_action", _action)


# Pending counts: dashboard and page explorer


def _pending_total(request) -> int:
    if not hasattr(request, "_masthead_pending_comments"):
        request._masthead_pending_comments = selectors.pending_total()
    return request._masthead_pending_comments


class PendingCommentsPanel(Component):
    name = "pending_comments"
    template_name = "comments/admin/pending_panel.html"
    order = 60

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        total = _pending_total(self.request)
        latest = []
        if total:
            latest = list(
                Comment.objects.filter(status=Comment.Status.PENDING)
                .select_related("page")
                .only("id", "author_name", "body", "created_at", "hold_reason", "page__title", "page_id")
                .order_by("-created_at", "-id")[:DASHBOARD_LATEST]
            )
        return {"total": total, "latest": latest, "queue_url": queue_url(status=Comment.Status.PENDING)}


class PendingCommentsSummaryItem(SummaryItem):
    order = 400
    template_name = "comments/admin/pending_summary.html"

    def get_context_data(self, parent_context):
        return {"total": _pending_total(self.request), "queue_url": queue_url(status=Comment.Status.PENDING)}

    def is_shown(self):
        return can_moderate(self.request.user)


@hooks.register("construct_homepage_panels")
def show_pending_comments(request, panels):
    if can_moderate(request.user):
        panels.append(PendingCommentsPanel(request))


@hooks.register("construct_homepage_summary_items")
def count_pending_comments(request, items):
    items.append(PendingCommentsSummaryItem(request))


@hooks.register("construct_explorer_page_queryset")
def annotate_discussions(parent_page, pages, request):
    """Each listed page's pending count and whether it is closed, as part of the
    listing's own query: the buttons below read them without a query per row."""
    if not can_moderate(request.user):
        return pages
    discussion = Discussion.objects.filter(page_id=OuterRef("pk"))
    return pages.annotate(
        comments_pending=Subquery(discussion.values("pending_count")[:1]),
        comments_closed=Subquery(discussion.values("closed")[:1]),
    )


def _accepts_comments(page) -> bool:
    return bool(getattr(page.specific_class, "accepts_comments", False))


@hooks.register("register_page_listing_buttons")
def pending_comments_button(page, user, next_url=None):
    pending = getattr(page, "comments_pending", None)
    if pending and can_moderate(user):
        yield ListingButton(
            f"{pending} pending",
            url=queue_url(article=page.pk, status=Comment.Status.PENDING),
            icon_name="comment",
            priority=5,
            attrs={"aria-label": f"{pending} comments on '{page.get_admin_display_title()}' wait for a moderator"},
        )


@hooks.register("register_page_listing_more_buttons")
def discussion_listing_buttons(page, user, next_url=None):
    if not (_accepts_comments(page) and can_moderate(user)):
        return []
    closed = getattr(page, "comments_closed", None)
    if closed is None and not hasattr(page, "comments_closed"):
        closed = selectors.discussion_for(page.pk).closed
    buttons = [Button("Comments", url=queue_url(article=page.pk, status="all"), icon_name="comment", priority=75)]
    return buttons + article_buttons(page, closed=bool(closed), next_url=next_url or "")


@hooks.register("register_page_header_buttons")
def discussion_header_buttons(page, user, next_url=None, view_name=None):
    if not (_accepts_comments(page) and can_moderate(user)):
        return []
    buttons = [Button("Comments", url=queue_url(article=page.pk, status="all"), icon_name="comment", priority=75)]
    return buttons + article_buttons(page, closed=selectors.discussion_for(page.pk).closed, next_url=next_url or "")
