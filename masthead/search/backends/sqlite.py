"""FTS5 through Wagtail's SQLite backend, with the site's ranking (see __init__).

Wagtail's SQLite backend scores each match with a subquery that finds the match's FTS row
through the index entry's `object_id`: FTS5 then reads every match again for every row, so
a word in 20,000 articles takes minutes. Here the two groups are read apart: the headline
group from one FTS match on the headline column (newest first; scored by bm25 over that
column when any of the words will do), and the rest newest first."""

from django.db.models import F, FloatField, Func
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.utils import get_descendants_content_types_pks

from masthead.search.backends import recency_field

# Columns of Wagtail's FTS5 table, in the order its migration made them.
FTS_COLUMNS = ("autocomplete", "body", "title")


class HeadlineBM25(Func):
    """bm25 over the headline column alone (FTS5 ranks ascending: lower is better)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, function=None, template=None):
        weights = ", ".join("1.0" if column == "title" else "0.0" for column in FTS_COLUMNS)
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []


class SiteRankingSQLiteCompiler(SQLiteSearchQueryCompiler):
    def search(self, config, start, stop, score_field=None):
        recency = recency_field(self) if self.order_by_relevance else None
        if recency is None or stop is None:
            return super().search(config, start, stop, score_field=score_field)
        search_query = self.build_search_query(normalize(self.query), config=config)
        content_types = get_descendants_content_types_pks(self.queryset.model)

        def matching(columns):
            return (
                SQLiteFTSIndexEntry.objects.filter(MatchExpression(columns, search_query))
                .filter(index_entry__content_type__in=content_types)
                .values("index_entry__object_id")
            )

        headline_ids = matching(["title"])
        headline_matches = self.queryset.filter(pk__in=headline_ids)
        if self.query.operator.lower() == "or" and len(self.query.query_string.split()) > 1:
            # Any of the words: a headline that holds more of them matches better. Every
            # headline match's score in one FTS pass, the article filters in one query,
            # and the order made here (a few thousand rows at most).
            scores = dict(
                SQLiteFTSIndexEntry.objects.filter(MatchExpression(["title"], search_query))
                .filter(index_entry__content_type__in=content_types)
                .annotate(score=HeadlineBM25())
                .values_list("index_entry__object_id", "score")
            )
            ordered = sorted(
                headline_matches.values_list("pk", recency),
                key=lambda row: (scores.get(str(row[0]), 0.0), -(row[1].timestamp() if row[1] else 0), -row[0]),
            )
            first_ids = [pk for pk, _ in ordered[:stop]]
        else:
            # All of the words: every headline in the group holds them all, newest first.
            first_ids = list(headline_matches.order_by(F(recency).desc(), "-pk").values_list("pk", flat=True)[:stop])
        headlines = self.queryset.filter(pk__in=first_ids).in_bulk()
        others = (
            self.queryset.filter(pk__in=matching(["title", "body"]))
            .exclude(pk__in=headline_ids)
            .order_by(F(recency).desc(), "-pk")[:stop]
        )
        # The second group is asked even when the first fills the page, so that a page of
        # results always costs the same queries (SQLite cannot order and cut the parts of a
        # UNION, so the groups are not one query as on PostgreSQL).
        first = [headlines[pk] for pk in first_ids if pk in headlines]
        return (first + list(others))[start:stop]


class SiteRankingSQLiteBackend(SQLiteSearchBackend):
    query_compiler_class = SiteRankingSQLiteCompiler


SearchBackend = SiteRankingSQLiteBackend
