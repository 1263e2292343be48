"""A realistically large site for benchmarks: `masthead generate`.

Writes rows in bulk (Wagtail's page tree paths are computed here rather than by adding
pages one at a time), so 100,000 articles take minutes. The articles are live, spread over
the years asked for, with authors and tags; their revisions are not made (benchmarks read
pages, they do not edit them), their search index entries are written in bulk
(generate_search.py). Later features add their own
generators (view counts, subscribers) to GENERATORS; comments are in generate_comments.py,
view history in generate_audience.py, donations in generate_donations.py, newsletter
subscribers in generate_newsletter.py, the newsroom's simple pages (About us and its
policies) in generate_pages.py.
The planner's statistics are refreshed once all of them ran.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Locale, Page

from masthead.demo.generate_audience import generate_audience
from masthead.demo.generate_comments import COMMENTS_PER_ARTICLE, generate_comments
from masthead.demo.generate_donations import generate_donations
from masthead.demo.generate_newsletter import generate_newsletter
from masthead.demo.generate_pages import generate_simple_pages
from masthead.demo.generate_search import generate_search_index
from masthead.news.models import ArticleAuthor, ArticlePage, ArticleTag, Author, HomePage, SectionPage

BATCH = 2000
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's materialised-path alphabet
WORDS = [
    "council",
    "harbour",
    "budget",
    "ministry",
    "inquiry",
    "report",
    "energy",
    "grid",
    "tariff",
    "election",
    "coalition",
    "court",
    "ruling",
    "hospital",
    "school",
    "strike",
    "union",
    "port",
    "ferry",
    "drought",
    "reservoir",
    "farmers",
    "exports",
    "markets",
    "inflation",
    "bank",
    "rates",
    "housing",
    "rents",
    "planning",
    "permit",
    "border",
    "crossing",
    "trade",
    "talks",
    "treaty",
    "envoy",
    "minister",
    "opposition",
    "vote",
]


# Headlines name things (places, people, bodies, events) far more than they repeat common
# words: two of a headline's words are common (each in about one headline in twenty-five),
# the rest come from a long list of made-up names (each in a few dozen), as a search over a
# real archive meets them. A headline made of fifty common words alone would put each in
# one headline of six, which no newsroom's archive does.
NAME_SYLLABLES = (
    "ka", "ves", "tor", "lin", "mar", "dro", "sel", "ben", "ost", "rua", "fen", "gal", "mir", "tas", "ulo",
    "pra", "nek", "sor", "vil", "dan", "cre", "hol", "zan", "bri", "tum", "eth", "gor", "lis", "pav", "quen",
)  # fmt: skip
NAMES = 12_000


def _names(rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < NAMES:
        names.add("".join(rng.choices(NAME_SYLLABLES, k=rng.randint(2, 3))))
    return sorted(names)


def _headline(rng: random.Random, names: list[str]) -> str:
    words = rng.choices(WORDS, k=2) + [name.capitalize() for name in rng.choices(names, k=rng.randint(2, 4))]
    rng.shuffle(words)
    headline = " ".join(words)
    return headline[0].upper() + headline[1:]


@dataclass(frozen=True)
class Size:
    articles: int = 100_000
    authors: int = 500
    sections: int = 20
    tags: int = 2_000
    years: int = 10
    # None: ten per article (1,000,000 over 100,000 articles).
    comments: int | None = None
    # None: one confirmed newsletter subscriber per article (100,000 over 100,000).
    subscribers: int | None = None

    @property
    def comment_count(self) -> int:
        return self.articles * COMMENTS_PER_ARTICLE if self.comments is None else self.comments

    @property
    def subscriber_count(self) -> int:
        return self.articles if self.subscribers is None else self.subscribers


def _path_step(number: int) -> str:
    """Treebeard's 4-character step for the number-th child (1-based)."""
    digits = []
    for _ in range(Page.steplen):
        number, remainder = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(14):
        sentence_count = rng.randint(4, 7)
        sentences = []
        for _ in range(sentence_count):
            words = rng.choices(WORDS, k=rng.randint(12, 22))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append({"type": "paragraph", "value": "<p>" + " ".join(sentences) + "</p>"})
    return json.dumps(paragraphs)


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("Run `masthead demo` first: the generated articles go under its home page.")
    return home


def _sections(home: HomePage, count: int) -> list[SectionPage]:
    sections = list(SectionPage.objects.child_of(home).order_by("path"))
    for number in range(len(sections), count):
        section = SectionPage(title=f"Desk {number + 1}", slug=f"desk-{number + 1}", show_on_home=False)
        home.add_child(instance=section)
        section.save_revision().publish()
        sections.append(section)
    return sections[:count]


def _authors(count: int) -> list[Author]:
    existing = Author.objects.count()
    Author.objects.bulk_create(
        [Author(name=f"Staff Writer {n}", slug=f"staff-writer-{n}") for n in range(existing + 1, count + 1)],
        ignore_conflicts=True,
    )
    return list(Author.objects.all()[:count])


def _tags(count: int) -> list[Tag]:
    Tag.objects.bulk_create(
        [Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(1, count + 1)], ignore_conflicts=True
    )
    return list(Tag.objects.filter(slug__startswith="topic-")[:count])


def generate_articles(size: Size, *, seed: int = 2026, progress=print) -> int:
    rng = random.Random(seed)
    home = _home()
    sections = _sections(home, size.sections)
    authors = _authors(size.authors)
    tags = _tags(size.tags)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    now = timezone.now()
    span_seconds = size.years * 365 * 24 * 3600
    bodies = [_body(rng) for _ in range(50)]
    names = _names(rng)
    word_counts = [len(" ".join(json.loads(body)[i]["value"] for i in range(14)).split()) for body in bodies]
    made = 0
    per_section = {section.pk: section.numchild for section in sections}
    while made < size.articles:
        batch = min(BATCH, size.articles - made)
        pages, extras = [], []
        for _ in range(batch):
            section = rng.choice(sections)
            per_section[section.pk] += 1
            number = per_section[section.pk]
            title = _headline(rng, names)
            slug = f"{slugify(title)[:60]}-{uuid.uuid4().hex[:8]}"
            published = now - timedelta(seconds=rng.randint(0, span_seconds))
            pages.append(
                Page(
                    path=section.path + _path_step(number),
                    depth=section.depth + 1,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    live=True,
                    has_unpublished_changes=False,
                    url_path=f"{section.url_path}{slug}/",
                    first_published_at=published,
                    last_published_at=published,
                    translation_key=uuid.uuid4(),
                    locale=locale,
                )
            )
            body_index = rng.randrange(len(bodies))
            extras.append((section, published, body_index))
        with transaction.atomic():
            Page.objects.bulk_create(pages, batch_size=BATCH)
            if connection.vendor == "sqlite" or pages[0].pk is None:
                saved = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk"))
                for page in pages:
                    page.pk = page.id = saved[page.path]
            articles = []
            for page, (section, published, body_index) in zip(pages, extras, strict=True):
                article = ArticlePage(
                    page_ptr_id=page.pk,
                    standfirst=" ".join(rng.choices(WORDS, k=18)).capitalize() + ".",
                    body=bodies[body_index],
                    primary_section_id=section.pk,
                    published_at=published,
                    word_count=word_counts[body_index],
                    is_staff_pick=rng.random() < 0.01,
                )
                article.__dict__.update(
                    {field.attname: getattr(page, field.attname) for field in Page._meta.concrete_fields}
                )
                articles.append(article)
            # Django's bulk_create refuses multi-table children; the parent rows exist, so
            # only the child table's rows are inserted.
            ArticlePage._base_manager._insert(
                articles, fields=ArticlePage._meta.local_concrete_fields, raw=True, using="default"
            )
            ArticleAuthor.objects.bulk_create(
                [ArticleAuthor(article_id=page.pk, author_id=rng.choice(authors).pk, sort_order=0) for page in pages]
            )
            ArticleTag.objects.bulk_create(
                [
                    ArticleTag(content_object_id=page.pk, tag_id=tag.pk)
                    for page in pages
                    for tag in rng.sample(tags, k=rng.randint(1, 3))
                ]
            )
            for section in sections:
                SectionPage.objects.filter(pk=section.pk).update(numchild=per_section[section.pk])
        made += batch
        progress(f"{made:,} of {size.articles:,} articles")
    return made


def refresh_planner_statistics() -> None:
    """Bulk inserts leave the planner's statistics behind (and autovacuum may be off, or
    not yet round): without them PostgreSQL hashes every tag to find an article's three,
    and a cold article's queries take four times as long. On PostgreSQL a VACUUM also
    clears the rows the bulk updates left dead (every search index entry's, after its
    title norm is set), which each search would otherwise step over: a common word's
    count took 23 ms instead of 9 at 100,000 articles. VACUUM cannot run inside a
    transaction (a test's), where ANALYZE alone does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


GENERATORS = [
    ("articles", generate_articles),
    ("search index", generate_search_index),
    ("comments", generate_comments),
    ("audience history", generate_audience),
    ("donations", generate_donations),
    ("newsletter subscribers", generate_newsletter),
    ("simple pages", generate_simple_pages),
]
