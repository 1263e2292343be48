from taggit.models import Tag
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from masthead.news.models import Author, Source


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
