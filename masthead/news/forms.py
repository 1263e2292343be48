"""The article editor's form: the rules an article must meet before it goes out."""

from functools import cache

from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from wagtail.admin.forms import WagtailAdminPageForm

from masthead.core.models import SiteSettings

BYLINE_REQUIRED = (
    "An article needs a byline before it goes out: add an author under “Byline”. Pieces that "
    "go out unsigned, such as editorials, need “Allow unsigned articles” in Settings → Site settings."
)


def needs_a_byline(has_byline: bool, site) -> bool:
    """The rule every way of publishing applies: a byline, unless the site allows unsigned articles."""
    return not has_byline and not SiteSettings.objects.filter(site=site, allow_unsigned_articles=True).exists()


class ArticlePageForm(WagtailAdminPageForm):
    """A draft may be saved without a byline. Publishing, submitting for review and any
    workflow step (Wagtail validates those in full, drafts with deferred validation) need
    one, unless the site allows unsigned articles."""

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation and needs_a_byline(self._has_byline(), self.parent_page.get_site()):
            raise ValidationError(BYLINE_REQUIRED, code="byline_required")
        return cleaned_data

    def _has_byline(self) -> bool:
        return any(
            form.is_valid() and form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
            for form in self.formsets["article_authors"].forms
        )


@cache
def taken_first_segments() -> frozenset[str]:
    """The first path segments the project's own routes answer (/feed/, /tag/, /admin/…):
    a section with one of these slugs would never be shown, its address served by the route."""
    taken = set()

    def walk(patterns):
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue  # Wagtail's catch-all and other regexes take no fixed segment
            route = str(entry.pattern)
            if not route and isinstance(entry, URLResolver):
                walk(entry.url_patterns)
                continue
            segment = route.split("/", 1)[0]
            if segment and "<" not in segment:
                taken.add(segment)

    walk(get_resolver().url_patterns)
    return frozenset(taken)


class SectionPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and slug in taken_first_segments():
            self.add_error(
                "slug", f"/{slug}/ is already one of the site's own addresses: choose another slug for this section."
            )
        return cleaned_data
