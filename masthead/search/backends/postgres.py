"""PostgreSQL full-text search through Wagtail's backend, with the site's ranking (see
__init__).

Wagtail matches `(title || body) @@ q`, which no index answers (every entry is read) and
whose selectivity the planner cannot guess. Here each word is matched on its own,
`title @@ word OR body @@ word` (a headline word and a body word still make an "all of
the words" match together), which the entries' two GIN indexes answer and the planner's
statistics of their lexemes estimate."""

from datetime import timedelta
from functools import lru_cache, reduce
from operator import and_

from django.contrib.postgres.search import SearchRank, SearchVectorExact
from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, FloatField, Q, Value
from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend, PostgresSearchQueryCompiler
from modelsearch.query import PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.models import IndexEntry

from masthead.search.backends import recency_field

# More matches than this outside the headline group (or more than the search page counts,
# when it says so), and reading them newest first through the date index finds a page
# quickly.
DENSE = 1_000


class SiteRankingPostgresCompiler(PostgresSearchQueryCompiler):
    def search(self, config, start, stop, score_field=None, backend=None):
        recency = recency_field(self)
        if recency is None:
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        words = self._meaningful_words(config)
        if not words:
            return self.queryset.none()
        any_word = self.build_tsquery(PlainText(" ".join(words), operator="or"), config=config)
        if self.query.operator.lower() == "or" or len(words) == 1:
            matched = Q(index_entries__title=any_word) | Q(index_entries__body=any_word)
        else:
            each = [self.build_tsquery(PlainText(word), config=config) for word in words]
            matched = reduce(and_, [Q(index_entries__title=word) | Q(index_entries__body=word) for word in each])
        matches = self.queryset.filter(matched)
        if not self.order_by_relevance:
            # In the caller's order, or none (a count needs none). Newest first with few
            # matches: as the second group below, the date is sorted, not walked.
            if tuple(matches.query.order_by) == (f"-{recency}",) and getattr(self.query, "few", None):
                matches = matches.order_by(_unindexed(recency).desc(), "-pk")
            return (matches if matches.query.order_by else matches.order_by())[start:stop]
        if stop is None:  # all of them, ranked: not what the search page asks
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        # Two groups, each cut to the page's end before they meet, so a common word costs
        # one page of the second group (read newest first), not every article it is in.
        # The union is ordered by selected columns only: the rank, the date and the id.
        # The headline group: headlines that hold the query (all of the words, or any).
        title = F("index_entries__title")
        whole_query = self.build_tsquery(PlainText(" ".join(words), operator=self.query.operator), config=config)
        headline = ExpressionWrapper(SearchVectorExact(title, whole_query), output_field=BooleanField())
        few = getattr(self.query, "few", None)
        headlines = matches.alias(_headline=headline).filter(_headline=True)
        if self.query.operator.lower() == "or" and len(words) > 1:
            # Any of the words: a headline that holds more of them matches better.
            rank = Value(1.0) + SearchRank(title, any_word) * F("index_entries__title_norm")
            headlines = headlines.annotate(_rank=rank, _recency=F(recency), _id=F("pk"))
        else:
            # All of the words: every headline in the group holds them all, so it is read
            # newest first, as the second group: through the date index when many
            # headlines hold the words, sorted when few do (the planner's guess from its
            # lexeme statistics was ten times too many for two words that seldom meet,
            # and its walk of the date index read 19,500 articles for a page). ts_rank
            # would have to score every headline match first (~5,000 for a common word).
            dense = not few and _headline_entries(self.queryset.model, whole_query)[:DENSE].count() >= DENSE
            date = F(recency) if dense else _unindexed(recency)
            headlines = headlines.annotate(_rank=Value(1.0), _recency=date, _id=F("pk"))
        headlines = headlines.order_by("-_rank", F("_recency").desc(), "-_id")[:stop]
        others = matches.alias(_headline=headline).filter(_headline=False)
        # Read newest first through the date index, the second group stops after a page
        # when many articles mention the words, and reads every article when few do (0.8 s
        # for a word only headlines hold). Which it is, a count up to DENSE tells; when
        # few, the date is ordered as an expression no index answers, so PostgreSQL takes
        # the few matches from the GIN indexes and sorts them.
        dense = not few if few is not None else others.order_by()[:DENSE].count() >= DENSE
        date = F(recency) if dense else _unindexed(recency)
        others = others.annotate(_rank=Value(0.0, output_field=FloatField()), _recency=date, _id=F("pk")).order_by(
            F("_recency").desc(), "-_id"
        )[:stop]
        ranked = headlines.union(others, all=True)
        return ranked.order_by("-_rank", F("_recency").desc(), "-_id")[start:stop]

    def _meaningful_words(self, config) -> list[str]:
        """The words the text search configuration keeps: a stop word ("the") has no
        lexeme, and matched on its own it would match nothing."""
        words = self.query.query_string.split()
        return [word for word in words if word not in _stop_words(tuple(words), config)]


@lru_cache(maxsize=4096)
def _stop_words(words: tuple[str, ...], config: str | None) -> frozenset[str]:
    """Which words the configuration drops, asked once per process for a set of words
    (a configuration's stop words do not change while the site runs)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS words(word) "
            "WHERE numnode(plainto_tsquery(COALESCE(%s, get_current_ts_config()::text)::regconfig, word)) = 0",
            [list(words), config],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def _headline_entries(model, query):
    """The index entries of the model's headlines that hold the query, from the headline
    index alone (their articles' filters are left out: this is for counting roughly)."""
    return IndexEntry.objects.filter(content_type__in=get_descendants_content_types_pks(model)).filter(title=query)


def _unindexed(field: str) -> ExpressionWrapper:
    """The field as an expression no index answers, for the planner to sort, not walk."""
    return ExpressionWrapper(F(field) + Value(timedelta(0)), output_field=DateTimeField())


class SiteRankingPostgresBackend(PostgresSearchBackend):
    query_compiler_class = SiteRankingPostgresCompiler


SearchBackend = SiteRankingPostgresBackend
