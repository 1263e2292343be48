"""Search index entries for the generated articles, in bulk.

Wagtail's indexer reads each article's StreamField and writes its entry with a statement
of its own, article by article. The generated articles share fifty bodies, so each body's
text (and on PostgreSQL its tsvector) is made once and the entries are written by the
database in one statement, in the shape Wagtail's PostgreSQL and SQLite backends write:
the headline as the title, standfirst, body, byline and tags as the body (with the
weights Wagtail's PostgreSQL backend gives their boosts), the headline again for
autocomplete, and the title norm Wagtail's rebuild sets.

Left out on PostgreSQL: `body_text`, the plain copy of the body that only Wagtail's fuzzy
(trigram) search reads; the site's search never asks for it (masthead/search).
"""

from __future__ import annotations

import hashlib
import html
import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import IntegerField, TextField
from django.db.models.functions import Cast
from django.utils.html import strip_tags
from modelsearch.backends.database.postgres.weights import get_weight
from taggit.models import Tag
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from masthead.news.models import ArticleAuthor, ArticlePage, ArticleTag, Author, block_text

BATCH = 2_000
# A body's text without its blocks' ids, which StreamField makes anew for every article
# (the generated articles share fifty bodies, but no two stored bodies are equal).
_BODY_DIGEST = (
    "(SELECT md5(string_agg((block->>'type') || (block->>'value'), '' ORDER BY position)) "
    "FROM jsonb_array_elements(a.body) WITH ORDINALITY AS blocks(block, position))"
)


def generate_search_index(size=None, *, seed: int = 2026, progress=print) -> int:
    """Index every live article that has no entry yet (on a fresh `generate`, the ones it
    just made; the demo's own were indexed by Wagtail's task)."""
    content_type = ContentType.objects.get_for_model(ArticlePage)
    if connection.vendor == "postgresql":
        made = _postgres_entries(content_type.pk, progress)
    else:
        made = _sqlite_entries(content_type.pk, progress)
    _refresh_title_norms(content_type.pk)
    return made


def _body_text(body_json: str) -> str:
    body = ArticlePage._meta.get_field("body").to_python(body_json)
    return html.unescape(" ".join(strip_tags(block_text(block.block_type, block.value)) for block in body))


def _postgres_entries(content_type_id: int, progress) -> int:
    entry, article, page = IndexEntry._meta.db_table, ArticlePage._meta.db_table, "wagtailcore_page"
    byline, author = ArticleAuthor._meta.db_table, Author._meta.db_table
    tagged, tag = ArticleTag._meta.db_table, Tag._meta.db_table
    # Every name in these statements is a model's own table; every value is a parameter.
    unindexed = (
        f"NOT EXISTS (SELECT 1 FROM {entry} e WHERE e.content_type_id = %(ct)s "  # noqa: S608
        f"AND e.object_id = a.page_ptr_id::text)"
    )
    title_boost = next(
        field.boost for field in ArticlePage.get_search_fields() if getattr(field, "field_name", "") == "title"
    )
    weights = {"title": get_weight(title_boost), "body": get_weight(None)}
    # The configuration Wagtail's indexer stems with (the backend's SEARCH_CONFIG, or the
    # server's default when none is named).
    config = get_search_backend().config or _default_config()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_BODY_DIGEST}, min(a.page_ptr_id) FROM {article} a WHERE {unindexed} GROUP BY 1",  # noqa: S608
            {"ct": content_type_id},
        )
        samples = cursor.fetchall()
        progress(f"{len(samples):,} distinct bodies to index")
        # Inside an outer transaction (a test's) an earlier run's table is still there.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.generated_bodies")
        cursor.execute(
            "CREATE TEMPORARY TABLE generated_bodies (digest text PRIMARY KEY, vector tsvector) ON COMMIT DROP"
        )
        for digest, sample_id in samples:
            body_json = _raw_bodies().filter(pk=sample_id).values_list("raw_body", flat=True).get()
            cursor.execute(
                "INSERT INTO generated_bodies VALUES (%s, setweight(to_tsvector(%s::regconfig, %s), %s))",
                [digest, config, _body_text(body_json), weights["body"]],
            )
        cursor.execute(
            f"""
            INSERT INTO {entry} (content_type_id, object_id, title_norm, autocomplete, title, body, title_text, body_text)
            SELECT %(ct)s, a.page_ptr_id::text, 1.0,
                   to_tsvector('simple', p.title),
                   setweight(to_tsvector(%(config)s::regconfig, p.title), %(title_weight)s),
                   setweight(to_tsvector(%(config)s::regconfig, a.standfirst), %(body_weight)s) || b.vector
                     || setweight(
                       to_tsvector(%(config)s::regconfig, coalesce(names.text, '') || ' ' || coalesce(tags.text, '')),
                       %(body_weight)s
                     ),
                   p.title, ''
            FROM {article} a
            JOIN {page} p ON p.id = a.page_ptr_id
            JOIN generated_bodies b ON b.digest = {_BODY_DIGEST}
            LEFT JOIN LATERAL (
                SELECT string_agg(au.name, ' ') AS text FROM {byline} aa JOIN {author} au ON au.id = aa.author_id
                WHERE aa.article_id = a.page_ptr_id
            ) names ON true
            LEFT JOIN LATERAL (
                SELECT string_agg(t.name, ' ') AS text FROM {tagged} ti JOIN {tag} t ON t.id = ti.tag_id
                WHERE ti.content_object_id = a.page_ptr_id
            ) tags ON true
            WHERE p.live AND {unindexed}
            """,  # noqa: S608
            {"ct": content_type_id, "config": config, **{f"{name}_weight": weight for name, weight in weights.items()}},
        )
        made = cursor.rowcount
    progress(f"{made:,} articles indexed")
    return made


def _default_config() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT get_current_ts_config()::text")
        return cursor.fetchone()[0]


def _raw_bodies():
    return ArticlePage.objects.annotate(raw_body=Cast("body", TextField()))


def _sqlite_entries(content_type_id: int, progress) -> int:
    indexed = IndexEntry.objects.filter(content_type_id=content_type_id).values(
        indexed_id=Cast("object_id", IntegerField())
    )
    pending = (
        _raw_bodies()
        .filter(live=True)
        .exclude(pk__in=indexed)
        .order_by("pk")
        .values_list("pk", "title", "standfirst", "raw_body")
    )
    names: dict[int, list[str]] = {}
    for article_id, name in ArticleAuthor.objects.values_list("article_id", "author__name"):
        names.setdefault(article_id, []).append(name)
    tags: dict[int, list[str]] = {}
    for article_id, name in ArticleTag.objects.values_list("content_object_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    bodies: dict[str, str] = {}
    made, batch = 0, []
    for pk, title, standfirst, raw in pending.iterator(chunk_size=BATCH):
        blocks = json.loads(raw)
        digest = hashlib.md5(
            "".join(f"{block['type']}{block['value']}" for block in blocks).encode(), usedforsecurity=False
        ).hexdigest()
        if digest not in bodies:
            bodies[digest] = _body_text(raw)
        text = " ".join([standfirst, bodies[digest], *names.get(pk, []), *tags.get(pk, [])])
        batch.append(
            IndexEntry(content_type_id=content_type_id, object_id=str(pk), title=title, autocomplete=title, body=text)
        )
        if len(batch) == BATCH:
            made += _write(batch, progress, made)
            batch = []
    if batch:
        made += _write(batch, progress, made)
    return made


def _write(batch: list, progress, made: int) -> int:
    with transaction.atomic():
        IndexEntry.objects.bulk_create(batch)
    progress(f"{made + len(batch):,} articles indexed")
    return len(batch)


def _refresh_title_norms(content_type_id: int) -> None:
    """`title_norm`: the average headline length over this one's, as Wagtail's rebuild sets
    it (in lexemes on PostgreSQL, characters on SQLite: Django's Length on either)."""
    length = "length(title)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {IndexEntry._meta.db_table} SET title_norm = "  # noqa: S608
            f"(SELECT avg({length}) FROM {IndexEntry._meta.db_table} WHERE content_type_id = %s AND {length} > 0) "
            f"/ {length} WHERE content_type_id = %s AND {length} > 0",
            [content_type_id, content_type_id],
        )
