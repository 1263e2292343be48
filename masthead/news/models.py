"""Sections, articles, authors, sources and tags."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.blocks import PageChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from masthead.core.blocks import ArticleBodyBlock
from masthead.core.models import NewsImage, SocialPlatform
from masthead.news.forms import ArticlePageForm, SectionPageForm
from masthead.news.pagination import InvalidCursor
from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory
from masthead.pagecache.public import PageKeys, PublicPageMixin, add_keys, keys_for_articles, restrictions_queryset

WORDS_PER_MINUTE = 230
TOP_STORY_SLOTS = 4


class Author(ClusterableModel, index.Indexed):
    """A person who writes for the site; a snippet with a page of their own."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, blank=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. “Editor-at-large”.")
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(NewsImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        InlinePanel("links", label="Social link"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = _unique_slug(Author, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("news:author", kwargs={"slug": self.slug})


class AuthorLink(Orderable):
    author = ParentalKey(Author, on_delete=models.CASCADE, related_name="links")
    platform = models.CharField(max_length=20, choices=SocialPlatform.choices)
    url = models.URLField()

    panels = [FieldPanel("platform"), FieldPanel("url")]

    def __str__(self):
        return self.url


class Source(index.Indexed, models.Model):
    """A publication whose articles are republished with credit ("Via RT")."""

    name = models.CharField(max_length=120, unique=True)
    url = models.URLField(blank=True, help_text="The publication's home page.")
    canonical_to_original = models.BooleanField(
        default=False,
        help_text="Point search engines at the original article (rel=canonical) when it has a URL.",
    )

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("canonical_to_original")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class HomePage(PublicPageMixin, Page):
    """The front page: the editor's lead and top stories, Staff Picks, Latest and a block
    per section. Empty slots fill with the newest articles that have a picture."""

    lead_story = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story at the top. Empty: the newest article with a picture and a byline.",
    )
    top_stories = StreamField(
        [("story", PageChooserBlock(page_type="news.ArticlePage", label="Story"))],
        blank=True,
        max_num=TOP_STORY_SLOTS,
        help_text=f"Up to {TOP_STORY_SLOTS} stories under the lead, in this order. "
        "Empty places take the newest articles with a picture.",
    )
    latest_count = models.PositiveSmallIntegerField(
        default=8, help_text="Articles in the Latest list beside the top stories."
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("lead_story"), FieldPanel("top_stories")], heading="Front page"),
        FieldPanel("latest_count"),
    ]
    subpage_types = ["news.SectionPage", "news.SimplePage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "news/home_page.html"

    def route(self, request, path_components):
        """/<section>/<slug>/ in one query for the article and what its page shows,
        instead of Wagtail's walk (a query per level, and another for each specific page)."""
        if len(path_components) == 2:
            url_path = f"{self.url_path}{path_components[0]}/{path_components[1]}/"
            article = fragments.remember(
                _article_routes, url_path, lambda: _live_article_at(url_path), keys=_route_keys, request=request
            )
            if article is not None:
                return RouteResult(article)
        return super().route(request, path_components)

    def chosen_top_story_ids(self) -> list[int]:
        """The editor's top stories, read from the stored field without loading a page."""
        return [block["value"] for block in self.top_stories.raw_data if block["value"]]

    def get_context(self, request, *args, **kwargs):
        from masthead.news import selectors

        context = super().get_context(request, *args, **kwargs)
        # Read only when the page's fragment is missing (after a purge), or when the page
        # cache stores the page and needs its keys.
        content = SimpleLazyObject(lambda: selectors.home_page_content(home=self))
        context["home"] = content

        page_keys = PageKeys(lambda: {cache_keys.page(self.pk), cache_keys.HOME, *keys_for_articles(content.articles)})
        add_keys(request, page_keys)
        context["page_keys"] = page_keys
        return context


# Articles being read right now, kept in each worker until they change: a reader's
# request for one of them needs no query to find it.
_article_routes = WorkerMemory("article-routes", max_entries=150)


def _route_keys(article: ArticlePage) -> set[str]:
    """What the remembered article carries: itself, its section's title, its source."""
    keys = {cache_keys.article(article.pk), cache_keys.page(article.primary_section_id)}
    if article.source_id:
        keys.add(cache_keys.source(article.source_id))
    return keys


# The sections articles name (a few dozen at most), so that finding an article reads its
# own row only.
_sections = WorkerMemory("sections", max_entries=200)


def _live_article_at(url_path: str) -> ArticlePage | None:
    slug = url_path.rstrip("/").rsplit("/", 1)[-1]
    found = list(
        ArticlePage.objects.live()
        .select_related("source", "featured_image")
        # Wagtail indexes the slug, not url_path: the slug finds the few candidates.
        .filter(slug=slug, url_path=url_path)
        # One page has a given url_path: no ORDER BY, whose compilation costs more than
        # the query (Django compares every selected column with the ordering).
        .order_by()[:1]
    )
    if not found:
        return None
    article = found[0]
    if article.primary_section_id is not None:
        article.primary_section = section_by_id(article.primary_section_id)
    return article


def section_by_id(pk: int) -> SectionPage | None:
    """A section as kept in this worker until it changes (a publish or move purges its key)."""
    return fragments.remember(
        _sections, pk, lambda: SectionPage.objects.filter(pk=pk).first(), keys=(cache_keys.page(pk),)
    )


class SectionPage(PublicPageMixin, Page):
    """A section such as News or Analysis; articles live under it."""

    description = models.TextField(blank=True)
    show_on_home = models.BooleanField(
        default=True, help_text="Show a block of this section's newest articles on the home page."
    )

    content_panels = Page.content_panels + [FieldPanel("description"), FieldPanel("show_on_home")]
    # A section may sit under another (World → Europe), as WordPress categories nest. Its
    # articles are listed on the parent only if they name it too (a secondary section):
    # the WordPress import does so, as WordPress's category pages show their children's.
    parent_page_types = ["news.HomePage", "news.SectionPage"]
    subpage_types = ["news.ArticlePage", "news.SectionPage"]
    template = "news/section_page.html"
    base_form_class = SectionPageForm

    def serve(self, request, *args, **kwargs):
        from masthead.news.views import broken_older_link

        try:
            return super().serve(request, *args, **kwargs)
        except InvalidCursor:
            return broken_older_link(request)

    def get_context(self, request, *args, **kwargs):
        from masthead.news.views import older_stream

        context = super().get_context(request, *args, **kwargs)
        context["stream"] = older_stream(request, section=self)
        add_keys(
            request,
            {
                cache_keys.page(self.pk),
                cache_keys.section_listing(self.pk),
                *keys_for_articles(context["stream"].articles),
            },
        )
        return context

    def has_own_feed(self) -> bool:
        """Whether `/<slug>/feed/` is this section's feed: a public section under the home
        page (a nested section's slug names no address of its own). No query for the
        page being served, whose restrictions are remembered; a page of the section
        called "feed" still takes the address (news.feeds.section_with_feed)."""
        return self.depth == 3 and not self.get_view_restrictions()


class SimplePage(PublicPageMixin, Page):
    """A page that is not news: About us, Contact, the corrections policy, a WordPress
    site's pages. Under the home page (at /<slug>/) or under another simple page; no
    byline, date, comments or continuous reading."""

    standfirst = models.TextField(max_length=400, blank=True, help_text="One or two sentences under the title.")
    body = StreamField(ArticleBodyBlock(), blank=True)
    noindex = models.BooleanField(
        "Hide from search engines", default=False, help_text="Search engines leave it out (robots noindex)."
    )

    content_panels = [TitleFieldPanel("title"), FieldPanel("standfirst"), FieldPanel("body")]
    promote_panels = Page.promote_panels + [FieldPanel("noindex", heading="Search engines")]
    parent_page_types = ["news.HomePage", "news.SimplePage"]
    subpage_types = ["news.SimplePage"]
    template = "news/simple_page.html"

    class Meta:
        verbose_name = "simple page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        keys = {cache_keys.page(self.pk)}
        if self.depth > 3:  # under another simple page (Home is at depth 2): a link up to it
            context["parent_page"] = self.get_parent()
            keys.add(cache_keys.page(context["parent_page"].pk))
        add_keys(request, keys)
        return context


class ArticlePage(PublicPageMixin, Page):
    # Readers may comment (masthead.comments shows the thread under the article).
    accepts_comments = True

    standfirst = models.TextField(max_length=400, blank=True, help_text="One or two sentences under the headline.")
    body = StreamField(ArticleBodyBlock(), blank=True)
    featured_image = models.ForeignKey(NewsImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    featured_image_caption = models.CharField(max_length=500, blank=True)

    primary_section = models.ForeignKey(
        SectionPage, null=True, editable=False, on_delete=models.SET_NULL, related_name="primary_articles"
    )
    secondary_sections = ParentalManyToManyField(SectionPage, blank=True, related_name="secondary_articles")
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)

    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The publication time readers see and lists are ordered by. Empty: the time it first goes live.",
    )
    is_updated = models.BooleanField(
        "Mark as updated", default=False, help_text="Tick after a substantive change; readers see “Updated <time>”."
    )
    updated_at = models.DateTimeField("Updated at", null=True, blank=True, help_text="Empty means now, when ticked.")
    update_note = models.CharField(max_length=300, blank=True, help_text="What changed, shown with the update mark.")

    is_staff_pick = models.BooleanField("Staff pick", default=False)
    staff_pick_order = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Lower comes first; empty goes last."
    )

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    original_author = models.CharField(max_length=200, blank=True, help_text="e.g. “Patrick Buchanan”.")
    original_url = models.URLField(blank=True, max_length=500)

    hide_supporter_cta = models.BooleanField(
        default=False, help_text="Hide the supporter call to action on this article."
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    noindex = models.BooleanField(
        "Hide from search engines",
        default=False,
        help_text="Search engines and Google News leave it out (robots noindex, not in the sitemaps). "
        "Readers, listings and feeds still show it.",
    )

    content_panels = [
        TitleFieldPanel("title", heading="Headline", placeholder="Headline*"),
        FieldPanel("standfirst"),
        InlinePanel("article_authors", label="Author", heading="Byline"),
        MultiFieldPanel([FieldPanel("featured_image"), FieldPanel("featured_image_caption")], heading="Featured image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("source"), FieldRowPanel([FieldPanel("original_author"), FieldPanel("original_url")])],
            heading="Syndication credit",
            classname="collapsed",
        ),
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel([FieldPanel("secondary_sections"), FieldPanel("tags")], heading="Sections and tags"),
        MultiFieldPanel(
            [
                FieldPanel("published_at"),
                FieldRowPanel([FieldPanel("is_updated"), FieldPanel("updated_at")]),
                FieldPanel("update_note"),
            ],
            heading="Dates",
        ),
        MultiFieldPanel([FieldPanel("is_staff_pick"), FieldPanel("staff_pick_order")], heading="Staff Picks"),
        FieldPanel("hide_supporter_cta"),
        FieldPanel("noindex", heading="Search engines"),
    ]
    # Site search (masthead/search): the headline is Page's `title` (ranked first), the
    # rest is one body of text; bylines and tags are found by their names.
    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields("article_authors", [index.RelatedFields("author", [index.SearchField("name")])]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("published_at"),
        index.FilterField("primary_section"),
    ]
    # Site search ranks headline matches first, then the other matches newest first.
    search_recency_field = "published_at"
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    template = "news/article_page.html"
    base_form_class = ArticlePageForm

    class Meta:
        indexes = [
            models.Index(fields=["published_at", "page_ptr"], name="article_published_idx"),
            # Wagtail's search index names an article by its id as text (`object_id`), and
            # joins it as `page_ptr_id::varchar(50)`: without this, a search's matches are
            # joined to their articles by reading every article (masthead/search).
            models.Index(Cast("page_ptr", output_field=models.CharField(max_length=50)), name="article_search_key_idx"),
        ]

    def clean(self):
        super().clean()
        if self.original_author and not self.source_id:
            raise ValidationError({"source": "Choose the publication the original author wrote for."})

    def save(self, *args, **kwargs):
        self.word_count = count_words(self.body)
        if self.is_updated and not self.updated_at:
            self.updated_at = timezone.now()
        elif not self.is_updated:
            self.updated_at = None
        if self.live and self.published_at is None:
            # Approved through the workflow or scheduled: the time it went live, not the
            # time the draft was started.
            self.published_at = self.first_published_at or self.go_live_at or timezone.now()
        parent = self.get_parent() if self.path else None
        if parent is not None:
            self.primary_section_id = parent.id
        self._insert_reassigned_byline_rows()
        super().save(*args, **kwargs)

    def _insert_reassigned_byline_rows(self) -> None:
        """Byline rows are saved one at a time, so two authors swapped between rows meet
        the one-author-per-article constraint half way (an IntegrityError, a 500 in the
        admin). When a kept row names another author than the database holds, every row
        is inserted afresh: modelcluster deletes the old rows first."""
        pending = getattr(self, "_cluster_related_objects", {}).get("article_authors")
        if not pending or self.pk is None:
            return
        stored = dict(ArticleAuthor.objects.filter(article_id=self.pk).values_list("pk", "author_id"))
        if any(link.pk in stored and stored[link.pk] != link.author_id for link in pending):
            for link in pending:
                link.pk = None

    def with_content_json(self, content):
        """A revision that never set the time keeps the one the live article has."""
        obj = super().with_content_json(content)
        if obj.published_at is None:
            obj.published_at = self.published_at
        return obj

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def original_is_canonical(self) -> bool:
        """Search engines are pointed at the original article (the source's choice)."""
        return bool(self.source_id and self.source.canonical_to_original and self.original_url)

    def get_view_restrictions(self):
        """As Wagtail's, from the rows each worker keeps (masthead.core.privacy): an
        article read for the first time costs no query for them."""
        from masthead.core import privacy

        return restrictions_queryset(privacy.view_restrictions(self))

    def get_context(self, request, *args, **kwargs):
        from masthead.news import selectors

        context = super().get_context(request, *args, **kwargs)
        content = selectors.article_page_content(article=self)
        context.update(content)
        page_keys = PageKeys(lambda: selectors.article_page_cache_keys(article=self, content=content))
        add_keys(request, page_keys)
        context["page_keys"] = page_keys
        return context


class ArticleAuthor(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")]

    def __str__(self):
        return str(self.author)


def count_words(body) -> int:
    """Words a reader reads in the body's text blocks (images and embeds aside)."""
    words = 0
    for block in body:
        words += len(strip_tags(block_text(block.block_type, block.value)).split())
    return words


def block_text(block_type: str, value) -> str:
    """A body block's words as markup: from its value, or from its stored form (the
    StreamField's raw data, where rich text is the source string itself)."""
    match block_type:
        case "paragraph":
            return _spaced(_source(value))
        case "heading":
            return value["text"]
        case "blockquote":
            return _spaced(_source(value["quote"]))
        case "pull_quote":
            return value["quote"]
        case "preformatted":
            return value
        case "editors_note":
            return _spaced(_source(value["text"]))
    return ""


def _source(rich_text) -> str:
    return rich_text if isinstance(rich_text, str) else rich_text.source


def _spaced(html: str) -> str:
    """Keep words in adjacent elements apart once the tags are stripped: <p>a</p><p>b</p>."""
    return html.replace("><", "> <")


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:120] or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
