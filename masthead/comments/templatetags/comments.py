"""`{% discussion page %}` puts a page's comments under it: a fragment of its own,
retired by `keys.discussion(page)` alone, so a new comment never re-renders the article
body. `{% avatar comment %}` draws a commenter's initials."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from masthead.comments import avatars, selectors
from masthead.comments.selectors import Sort
from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.public import add_keys

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion(context, page):
    request = context.get("request")

    def build():
        html = render_to_string(
            "comments/includes/discussion.html",
            {"page": page, "thread": selectors.thread_page(page_id=page.pk), "sorts": Sort.CHOICES},
            request,
        )
        return mark_safe(html)  # noqa: S308 (a template's output, escaped there)

    if request is None or getattr(request, "is_preview", False):
        return build()
    keys = {cache_keys.discussion(page.pk)}
    kept = fragments.cached_entry(f"discussion:{page.pk}", build, keys=keys, request=request)
    add_keys(request, kept.keys)
    return kept.value


@register.simple_tag
def avatar(comment):
    return avatars.avatar_svg(name=comment.author_name, seed=comment.author_email or comment.author_name)


@register.simple_tag
def comment_tree(nodes, page_id, thread=None):
    from masthead.comments.rendering import comment_tree as render

    return render(nodes, page_id=page_id, hidden_replies=getattr(thread, "hidden_replies", None))
