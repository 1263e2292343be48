"""Readers' comment endpoints. Thin: rules are in services, reads in selectors.

Public, cacheable and retired by `keys.discussion(page)`: the thread page and the
"load more" piece. Never cached (they carry a CSRF token or a reader's own state):
the form, "me", and every POST. Counts are short-lived (docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Page, Site

from masthead.comments import notifications, selectors, services, spamcheck, tokens
from masthead.comments.forms import CommentForm, EditForm
from masthead.comments.models import Comment, CommentSettings
from masthead.comments.selectors import InvalidCursor, Sort
from masthead.core import privacy, ratelimit
from masthead.core.client import client_ip
from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory
from masthead.pagecache.public import add_keys, add_query, mark_public, mark_short_lived

MAX_IDS = 200
LIKES_PER_MINUTE_PER_IP = 60
# Every saved edit purges the article and its discussion, at the CDN too. Counted per
# network address, and per comment for a browser's cookie shared across many addresses.
EDITS_PER_MINUTE_PER_IP = 10
EDITS_PER_HOUR_PER_COMMENT = 20
# Fields whose errors the form does not show beside them (hidden, or a fixed choice).
UNMARKED_FIELDS = {"parent", "notify", "issued"}


# What every comment request asks first, kept by each worker until a purge names it: a
# publish, unpublish or move purges the page's key, a privacy or settings change purges
# everything (docs/architecture.md, "Invalidation rules").
_commentable_pages = WorkerMemory("commentable-pages", max_entries=2000)
_settings_by_site = WorkerMemory("comment-settings", max_entries=20)


def comment_settings(request) -> CommentSettings:
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return fragments.remember(
        _settings_by_site, site.pk, lambda: CommentSettings.for_site(site), keys={cache_keys.SITE}, request=request
    )


def _public_commentable_page(page_id: int) -> Page | None:
    page = Page.objects.live().filter(pk=page_id).select_related("content_type").first()
    if page is None or not getattr(page.specific_class, "accepts_comments", False):
        return None
    # From the restrictions each worker keeps (core/privacy.py): Wagtail's own check asks
    # the database, and posting across many articles builds this for most of them.
    if privacy.view_restrictions(page):
        return None
    return page


def commentable_page(page_id: int, request=None) -> Page:
    """A live, public page whose type shows comments (`accepts_comments`), or 404."""
    if page_id > 2**62:
        raise Http404("No such page")
    page = fragments.remember(
        _commentable_pages,
        page_id,
        lambda: _public_commentable_page(page_id),
        keys={cache_keys.page(page_id)},
        request=request,
    )
    if page is None:
        raise Http404("No such page")
    return page


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _private(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response


def _number(raw) -> int | None:
    """An id from a query or a form, or None. Only ASCII digits: str.isdigit() also
    says yes to "²" or "₀", which int() refuses."""
    raw = str(raw)
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def _ids(raw: str) -> list[int]:
    ids = {_number(part) for part in raw.split(",")[:MAX_IDS]}
    return sorted(ids - {None})


def _thread_context(request, page: Page, *, sort: str, cursor: str) -> dict:
    return {
        "page": page,
        "thread": selectors.thread_page(page_id=page.pk, sort=sort, cursor=cursor),
        "sort": sort,
        "sorts": Sort.CHOICES,
    }


def _thread_response(request, page_id: int, template: str):
    page = commentable_page(page_id, request)
    sort = Sort.parse(request.GET.get("sort"))
    cursor = request.GET.get("after", "")
    if request.GET.get("sort") == sort and sort != Sort.DEFAULT:
        add_query(request, "sort", sort)
    if cursor:
        add_query(request, "after", cursor)
    try:
        context = _thread_context(request, page, sort=sort, cursor=cursor)
    except InvalidCursor:
        return render(request, "400.html", {"reason": "This link to more comments is broken."}, status=400)
    add_keys(request, {cache_keys.discussion(page.pk), cache_keys.page(page.pk)})
    return mark_public(request, render(request, template, context))


@require_safe
def thread(request, page_id: int):
    """The whole discussion of a page as a page of its own: the plain-link way in."""
    replies_of = _number(request.GET.get("replies", ""))
    if replies_of is not None:
        page = commentable_page(page_id, request)
        add_query(request, "replies", str(replies_of))
        add_keys(request, {cache_keys.discussion(page.pk), cache_keys.page(page.pk)})
        nodes = selectors.replies_of(page_id=page.pk, root_id=replies_of)
        if not nodes:
            raise Http404("No such comment")
        context = {"page": page, "nodes": nodes, "sorts": Sort.CHOICES, "sort": Sort.OLDEST}
        return mark_public(request, render(request, "comments/replies.html", context))
    return _thread_response(request, page_id, "comments/thread.html")


@require_safe
def more(request, page_id: int):
    """The next top-level comments, for "Load more" and the sort buttons."""
    return _thread_response(request, page_id, "comments/includes/comment_list.html")


def _form_context(request, page: Page, form: CommentForm | None = None, *, parent_id: str = "") -> dict:
    settings = comment_settings(request)
    discussion = selectors.discussion_for(page.pk)
    signed_in = request.user.is_authenticated
    if form is None:
        initial = {"issued": tokens.form_issued_token()}
        if _number(parent_id) is not None:
            initial["parent"] = _number(parent_id)
        form = CommentForm(initial=initial, signed_in=signed_in)
    parent = None
    parent_value = _number(form["parent"].value() or "")
    if parent_value:
        parent = Comment.objects.filter(pk=parent_value, page=page, status=Comment.Status.APPROVED).first()
    return {
        "page": page,
        "form": form,
        "parent": parent,
        "closed_reason": services.comments_closed_reason(page=page, settings=settings, discussion=discussion),
        "signed_in_as": request.user if signed_in else None,
        "settings": settings,
    }


@require_safe
def reply(request, page_id: int):
    """The form as a page of its own (no script), also where a sent form lands."""
    page = commentable_page(page_id, request)
    context = _form_context(request, page, parent_id=request.GET.get("to", ""))
    sent = _number(request.GET.get("sent", ""))
    if sent is not None and sent in tokens.own_comment_ids(request):
        context["sent"] = Comment.objects.filter(pk=sent, page=page).first()
    return _private(render(request, "comments/reply.html", context))


@require_safe
def form(request, page_id: int):
    """The form as a piece of HTML the page's script puts under the thread."""
    page = commentable_page(page_id, request)
    context = _form_context(request, page, parent_id=request.GET.get("to", ""))
    return _private(render(request, "comments/includes/form.html", context))


def _refuse(
    request,
    page: Page,
    message: str,
    *,
    status: int = 400,
    form: CommentForm | None = None,
    retry_after: int | None = None,
):
    if wants_json(request):
        errors = form.errors.get_json_data() if form is not None else {}
        response = JsonResponse({"ok": False, "message": message, "errors": errors}, status=status)
    else:
        context = _form_context(request, page, form)
        context["refusal"] = message
        response = render(request, "comments/reply.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return _private(response)


@require_POST
def post(request, page_id: int):
    page = commentable_page(page_id, request)
    settings = comment_settings(request)
    signed_in = request.user.is_authenticated
    form = CommentForm(request.POST, signed_in=signed_in)
    if not form.is_valid():
        if set(form.errors) & UNMARKED_FIELDS:
            # Nothing on the page could be marked for the reader to correct.
            return _refuse(
                request, page, "This form was damaged on the way: reload the page and send it again.", form=form
            )
        return _refuse(request, page, "Please correct the marked fields.", form=form)
    data = form.cleaned_data
    ip = client_ip(request)
    if data["company"]:
        return _refuse(request, page, "Your comment could not be sent.", status=400)
    age = tokens.form_age_seconds(data["issued"])
    if age is None:
        return _refuse(request, page, "This form is too old: reload the page and send it again.", form=form)
    if age < settings.min_seconds_to_submit:
        return _refuse(request, page, "That was quick: please take a moment and send it again.", status=429, form=form)
    email = request.user.email if signed_in else data["email"]
    if not ratelimit.allow("comment-ip", ip, limit=settings.posts_per_minute_per_ip, window_seconds=60):
        return _refuse(
            request,
            page,
            "You are commenting too fast. Please wait a minute and try again.",
            status=429,
            form=form,
            retry_after=ratelimit.retry_after(60),
        )
    if email and not ratelimit.allow(
        "comment-email", email.lower(), limit=settings.posts_per_hour_per_email, window_seconds=3600
    ):
        return _refuse(
            request,
            page,
            "This email address has sent as many comments as it may this hour. Please try again later.",
            status=429,
            form=form,
            retry_after=ratelimit.retry_after(3600),
        )
    author = services.Author(
        name=(request.user.get_full_name() or request.user.get_username()) if signed_in else data["name"],
        email=email or "",
        url=data["url"],
        user_id=request.user.pk if signed_in else None,
        is_staff=signed_in and request.user.has_perm("wagtailadmin.access_admin"),
        ip=ip or None,
        user_agent=request.headers.get("User-Agent", ""),
    )
    try:
        comment = services.comment_create(
            page=page,
            author=author,
            body=data["body"],
            settings=settings,
            parent_id=data["parent"],
            spam_verdict=_spam_verdict(request, page, author, data["body"], settings),
        )
    except services.CommentRefused as refusal:
        if refusal.field in form.fields:
            form.add_error(refusal.field, refusal.message)
        return _refuse(request, page, refusal.message, status=refusal.status, form=form)
    except ValidationError as error:
        return _refuse(request, page, " ".join(error.messages), form=form)
    # A comment taken for spam subscribes nobody: its address may not be the writer's.
    if data["notify"] and comment.author_email and comment.status != Comment.Status.SPAM:
        notifications.subscription_request(
            page=page,
            email=comment.author_email,
            scope=data["notify"],
            user=request.user if signed_in else None,
            ip=ip or None,
        )
    if wants_json(request):
        response = JsonResponse(
            {
                "ok": True,
                "id": comment.pk,
                "status": comment.status,
                "message": _sent_message(comment),
                "html": render_to_string(
                    "comments/includes/own_comment.html", {"comment": comment, "editable": True}, request
                ),
            },
            status=201,
        )
    else:
        response = HttpResponseRedirect(reverse("comments:reply", args=[page.pk]) + f"?sent={comment.pk}#sent")
    tokens.remember_own_comment(request, response, comment.pk)
    return _private(response)


def _spam_verdict(request, page: Page, author: services.Author, body: str, settings: CommentSettings):
    """The spam checker's question, asked only if moderation gets that far; None while
    the site has it off or has no key for it."""
    api_key = django_settings.MASTHEAD_SPAM_CHECKER_KEY
    if not (settings.spam_checker_enabled and api_key and settings.spam_checker_url):
        return None
    endpoint = settings.spam_checker_url
    referrer = request.headers.get("Referer", "")

    def verdict() -> bool:
        submission = spamcheck.Submission(
            user_ip=author.ip or "",
            user_agent=author.user_agent,
            referrer=referrer,
            author=author.name,
            author_email=author.email,
            author_url=author.url,
            content=body,
            permalink=page.full_url or "",
        )
        return spamcheck.is_spam(
            endpoint=endpoint, api_key=api_key, blog=django_settings.SITE_URL, submission=submission
        )

    return verdict


def _sent_message(comment: Comment) -> str:
    if comment.status == Comment.Status.APPROVED:
        return "Thank you: your comment is published."
    return "Thank you: your comment will appear once a moderator has approved it."


@require_safe
def me(request, page_id: int):
    """What this browser may see and do in the thread: its own comments (pending ones
    too, with edit links while they may be changed), what it liked, a CSRF token."""
    page = commentable_page(page_id, request)
    settings = comment_settings(request)
    own = selectors.own_comments(page_id=page.pk, comment_ids=tokens.own_comment_ids(request))
    key, new_cookie = tokens.reader_key(request)
    liked = selectors.liked_by(reader_key=key, comment_ids=_ids(request.GET.get("ids", "")))
    removal_notice = settings.removal_notice
    payload = {
        "csrf": get_token(request),
        # Exact, unlike the short-lived counts a cached page asks for: the reader who
        # keeps the thread open sees their comment's approval and the new count.
        "count": selectors.discussion_for(page.pk).approved_count,
        "liked": liked,
        "own": [
            {
                "id": comment.pk,
                "status": comment.status,
                "editable": services.can_author_change(comment, settings),
                "removal_reason": (comment.removal_reason or removal_notice)
                if comment.status in (Comment.Status.TRASH, Comment.Status.SPAM)
                and comment.removal_reason != "Deleted by its author."
                else "",
                "html": render_to_string(
                    "comments/includes/own_comment.html",
                    {"comment": comment, "editable": services.can_author_change(comment, settings)},
                    request,
                ),
            }
            for comment in own
        ],
    }
    response = JsonResponse(payload)
    if new_cookie:
        tokens.set_reader_cookie(response, new_cookie)
    return _private(response)


@require_safe
def counts(request):
    """Comments per page, for "Comments (N)" on cards and articles: a short-lived number."""
    ids = _ids(request.GET.get("pages", ""))
    if ids:
        add_query(request, "pages", ",".join(map(str, ids)))
    response = JsonResponse({str(pk): count for pk, count in selectors.comment_counts(ids).items()})
    return mark_short_lived(request, response, seconds=15)


@require_safe
def likes(request):
    ids = _ids(request.GET.get("ids", ""))
    if ids:
        add_query(request, "ids", ",".join(map(str, ids)))
    response = JsonResponse({str(pk): count for pk, count in selectors.like_counts(ids).items()})
    return mark_short_lived(request, response, seconds=15)


def _own_comment(request, comment_id: int) -> Comment:
    if comment_id not in tokens.own_comment_ids(request):
        raise Http404("No such comment of yours")
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment of yours")
    return comment


@require_POST
def like(request, comment_id: int):
    if comment_id > 2**62:
        raise Http404("No such comment")
    comment = Comment.objects.filter(pk=comment_id, status=Comment.Status.APPROVED).first()
    if comment is None:
        raise Http404("No such comment")
    if not ratelimit.allow("comment-like", client_ip(request), limit=LIKES_PER_MINUTE_PER_IP, window_seconds=60):
        response = JsonResponse({"ok": False, "message": "Too many likes at once; try again in a minute."}, status=429)
        response["Retry-After"] = str(ratelimit.retry_after(60))
        return _private(response)
    key, new_cookie = tokens.reader_key(request)
    liked, count = services.comment_like(comment=comment, reader_key=key)
    response = JsonResponse({"ok": True, "liked": liked, "count": count})
    if new_cookie:
        tokens.set_reader_cookie(response, new_cookie)
    return _private(response)


def _edit_refusal(request, comment: Comment) -> tuple[str, int] | None:
    """Why this edit may not be saved now, and the seconds until it may; None if it may."""
    if not ratelimit.allow("comment-edit-ip", client_ip(request), limit=EDITS_PER_MINUTE_PER_IP, window_seconds=60):
        return "You are changing comments too fast. Please wait a minute.", ratelimit.retry_after(60)
    if not ratelimit.allow("comment-edit", str(comment.pk), limit=EDITS_PER_HOUR_PER_COMMENT, window_seconds=3600):
        return (
            "This comment has been changed as often as it may be this hour. Please try again later.",
            ratelimit.retry_after(3600),
        )
    return None


def edit(request, comment_id: int):
    """A guest's own comment, changed or deleted from the browser that wrote it, while
    the site's edit window lasts."""
    if request.method not in ("GET", "HEAD", "POST"):
        return _private(JsonResponse({"ok": False, "message": "Method not allowed."}, status=405))
    comment = _own_comment(request, comment_id)
    settings = comment_settings(request)
    page = comment.page
    context = {"comment": comment, "page": page, "editable": services.can_author_change(comment, settings)}
    # A deletion is not counted: it happens once per comment, and posting is limited.
    if request.method == "POST" and not request.POST.get("delete"):
        refusal = _edit_refusal(request, comment)
        if refusal is not None:
            message, retry_after = refusal
            if wants_json(request):
                response = JsonResponse({"ok": False, "message": message}, status=429)
            else:
                response = render(request, "comments/edit.html", {**context, "refusal": message}, status=429)
            response["Retry-After"] = str(retry_after)
            return _private(response)
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                services.comment_delete_by_author(comment=comment, settings=settings)
                message = "Your comment is deleted."
            else:
                form = EditForm(request.POST)
                if not form.is_valid():
                    raise services.CommentRefused("Write something before you save.")
                author = services.Author(
                    name=comment.author_name,
                    email=comment.author_email,
                    url=comment.author_url,
                    user_id=comment.user_id,
                    ip=client_ip(request) or None,
                    user_agent=request.headers.get("User-Agent", ""),
                )
                comment = services.comment_edit_by_author(
                    comment=comment,
                    body=form.cleaned_data["body"],
                    settings=settings,
                    spam_verdict=_spam_verdict(request, page, author, form.cleaned_data["body"], settings),
                )
                message = "Your comment is saved."
        except services.CommentRefused as refusal:
            if wants_json(request):
                return _private(JsonResponse({"ok": False, "message": refusal.message}, status=refusal.status))
            context["refusal"] = refusal.message
            return _private(render(request, "comments/edit.html", context, status=refusal.status))
        comment.refresh_from_db()
        if wants_json(request):
            return _private(
                JsonResponse(
                    {
                        "ok": True,
                        "message": message,
                        "status": comment.status,
                        "html": render_to_string(
                            "comments/includes/own_comment.html",
                            {"comment": comment, "editable": services.can_author_change(comment, settings)},
                            request,
                        ),
                    }
                )
            )
        return HttpResponseRedirect(reverse("comments:reply", args=[page.pk]) + f"?sent={comment.pk}#sent")
    return _private(render(request, "comments/edit.html", context))
