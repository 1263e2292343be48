"""The thread's HTML, written in Python.

A page of a thread holds up to a thousand comments (20 conversations of up to 50
replies); rendered through a recursive template include each one cost a URL reversal, two
date formats and a dozen template lookups, three quarters of an uncached thread's time.
Here each comment is one string join. Every value from a reader passes through
`escape()`; the body is the stored `body_html`, made by `text.render` (escaped, then
cleaned by nh3) when the comment was saved.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from masthead.comments import avatars
from masthead.comments.selectors import Node


class _Addresses:
    def __init__(self, page_id: int):
        self.thread = reverse("comments:thread", args=[page_id])
        self.reply = reverse("comments:reply", args=[page_id])


def _when(moment) -> tuple[str, str]:
    local = timezone.localtime(moment)
    # Whole seconds: HTML's datetime takes at most three digits of a fraction.
    return local.isoformat(timespec="seconds"), f"{local.day} {local:%b %Y, %H:%M}"


def _comment(node: Node, addresses: _Addresses, hidden_replies: dict[int, int], out: list[str]) -> None:
    comment = node.comment
    pk = comment.pk
    staff = comment.is_staff_reply
    out.append(f'<li class="comment{" comment--staff" if staff else ""}" id="comment-{pk}" data-comment="{pk}">')
    if node.removed:
        out.append('<p class="comment__removed">This comment was removed.</p>')
    else:
        name = escape(comment.author_name)
        if comment.author_url:
            shown_name = f'<a href="{escape(comment.author_url)}" rel="nofollow ugc noopener">{name}</a>'
        else:
            shown_name = name
        machine_time, human_time = _when(comment.created_at)
        conversation = comment.root_id or pk
        likes = comment.like_count
        badge = ' <span class="badge">Staff</span>' if staff else ""
        out.append(
            f'<article class="comment__box" aria-labelledby="comment-by-{pk}">'
            f'<header class="comment__header">{avatars.avatar_svg(name=comment.author_name, seed=comment.author_email or comment.author_name)}'
            f'<p class="comment__author" id="comment-by-{pk}">{shown_name}{badge}</p>'
            f'<p class="comment__date"><a href="{addresses.thread}?replies={conversation}#comment-{pk}">'
            f'<time datetime="{machine_time}">{human_time}</time></a>{" · edited" if comment.edited_at else ""}</p></header>'
            f'<div class="comment__body">{comment.body_html}</div>'
            f'<footer class="comment__actions"><button type="button" class="comment__like" data-like="{pk}" aria-pressed="false" hidden>'
            f'Like <span data-like-count="{pk}">{likes or ""}</span></button>'
            + (
                f'<span class="comment__likes" data-likes-static="{pk}">{likes} like{"" if likes == 1 else "s"}</span>'
                if likes
                else ""
            )
            + f' <a class="comment__reply" href="{addresses.reply}?to={pk}#reply" data-reply-to="{pk}" data-reply-name="{name}">'
            f'Reply<span class="visually-hidden"> to {name}</span></a></footer></article>'
        )
    if node.replies:
        out.append('<ol class="comments comments--replies">')
        for reply in node.replies:
            _comment(reply, addresses, hidden_replies, out)
        out.append("</ol>")
    hidden = hidden_replies.get(pk, 0)
    if hidden:
        out.append(
            f'<p class="comments__all-replies"><a href="{addresses.thread}?replies={pk}">'
            f"Show all {comment.reply_count} replies</a></p>"
        )
    out.append("</li>")


def comment_tree(nodes: list[Node], *, page_id: int, hidden_replies: dict[int, int] | None = None) -> SafeString:
    out: list[str] = []
    addresses = _Addresses(page_id)
    for node in nodes:
        _comment(node, addresses, hidden_replies or {}, out)
    return mark_safe("".join(out))  # noqa: S308 (every reader's value is escaped above)
