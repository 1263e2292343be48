"""FTS5 through Wagtail's SQLite backend, with the site's ranking (see __init__)."""

from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

from masthead.search.backends import recency_field

# Columns of Wagtail's FTS5 table, in the order its migration made them.
FTS_COLUMNS = ("autocomplete", "body", "title")


class HeadlineBM25(Func):
    """bm25 over the headline column alone: below zero when the headline matches (FTS5
    ranks ascending, lower is better), zero when only other columns do."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, function=None, template=None):
        weights = ", ".join("1.0" if column == "title" else "0.0" for column in FTS_COLUMNS)
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []


class SiteRankingSQLiteCompiler(SQLiteSearchQueryCompiler):
    def _build_rank_expression(self, vectors, config):
        if recency_field(self):
            return HeadlineBM25()
        return super()._build_rank_expression(vectors, config)

    def search(self, config, start, stop, score_field=None):
        recency = recency_field(self) if self.order_by_relevance else None
        if recency is None:
            return super().search(config, start, stop, score_field=score_field)
        score_field = score_field or "_score"
        ranked = super().search(config, None, None, score_field=score_field)
        return ranked.order_by(score_field, f"-{recency}", "-pk")[start:stop]


class SiteRankingSQLiteBackend(SQLiteSearchBackend):
    query_compiler_class = SiteRankingSQLiteCompiler


SearchBackend = SiteRankingSQLiteBackend
