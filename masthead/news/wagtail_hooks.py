from django.contrib import messages
from django.shortcuts import redirect
from taggit.models import Tag
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from masthead.news.forms import BYLINE_REQUIRED, needs_a_byline
from masthead.news.models import ArticlePage, Author, Source


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "role", "slug"]
    search_fields = ["name"]


class SourceViewSet(SnippetViewSet):
    model = Source
    icon = "link"
    menu_label = "Sources"
    list_display = ["name", "url", "canonical_to_original"]


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = "Tags"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class NewsroomGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, SourceViewSet, TagViewSet)
    menu_icon = "group"
    menu_label = "Newsroom"
    menu_name = "newsroom"


register_snippet(NewsroomGroup)


@hooks.register("before_bulk_action")
def refuse_to_bulk_publish_unsigned_articles(request, action_type, objects, action_class_instance):
    """The explorer's bulk Publish publishes latest revisions without the article form, so
    the byline rule is asked again here, of every page it would publish."""
    if action_type != "publish" or action_class_instance.model is not Page:
        return None
    include_descendants = action_class_instance.cleaned_form.cleaned_data.get("include_descendants")
    unsigned = [article.title for article in _articles_to_publish(objects, include_descendants) if _unsigned(article)]
    if not unsigned:
        return None
    messages.error(request, f"{BYLINE_REQUIRED} Nothing was published. Without a byline: {', '.join(unsigned)}.")
    return redirect(action_class_instance.next_url)


def _articles_to_publish(pages, include_descendants: bool):
    for page in pages:
        if issubclass(page.specific_class, ArticlePage):
            yield page.get_latest_revision_as_object()
        if include_descendants:
            drafts = page.get_descendants().not_live().type(ArticlePage).specific()
            yield from (draft.get_latest_revision_as_object() for draft in drafts)


def _unsigned(article: ArticlePage) -> bool:
    has_byline = any(link.author_id for link in article.article_authors.all())
    return needs_a_byline(has_byline, article.get_site())
