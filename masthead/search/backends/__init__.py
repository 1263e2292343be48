"""Wagtail's database search backends, with the site's ranking for news articles.

`WAGTAILSEARCH_BACKENDS` names `sqlite` or `postgres` here, after the database
(masthead/settings/base.py): the same index, tasks and query classes as Wagtail's. For a
model that names a `search_recency_field` (ArticlePage: `published_at`), a search by
words ranks (decision 0019):

1. matches whose headline holds the words: all of them (the default), newest first; or,
   when the reader asked for any of them, by how well the headline matches (ts_rank over
   the headline on PostgreSQL, bm25 over FTS5's headline column on SQLite: a headline
   that holds more of the words first), newer first on ties;
2. then every other match (words in the standfirst, body, byline, tags), newest first.

Readers look for a story by the words of its headline; among the articles that merely
mention a word, the newest is the likeliest wanted. It also keeps a search's cost apart
from how many articles mention a common word: nothing reads the body's index data to
rank it. Wagtail's own rank mixes headline and body (on SQLite it scores the whole row
once, so a headline counts no more than a body) and reads every match's body vector.

Other models (the admin's image and document search) keep Wagtail's ranking.
"""

from __future__ import annotations

from modelsearch.query import PlainText


class Words(PlainText):
    """The search page's query: plain words, and what the page already knows of how many
    match (`few`: at most a few hundred; None: not counted), which spares the backend a
    count of its own when it picks how to read the matches."""

    def __init__(self, query_string: str, *, operator: str = "and", few: bool | None = None):
        super().__init__(query_string, operator=operator)
        self.few = few


def recency_field(compiler) -> str | None:
    """The field to order the second group by, when this search gets the site's handling:
    plain words (as the search page asks) over all fields, of a model that names one.
    Unranked searches, such as counts, get the PostgreSQL backend's indexed match too."""
    if compiler.fields is not None or not isinstance(compiler.query, PlainText):
        return None
    return getattr(compiler.queryset.model, "search_recency_field", None)
