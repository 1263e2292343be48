"""The search index's GIN indexes on PostgreSQL keep no pending list for searches to read."""

import pytest
from django.db import connection
from wagtail.search.models import IndexEntry

from masthead.news.tests.factories import make_article
from masthead.search import index_upkeep

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's; the PostgreSQL pass runs this")


def test_the_migrated_gin_indexes_write_new_entries_into_the_index(postgres_only):
    with connection.cursor() as cursor:
        names = index_upkeep.gin_indexes(cursor)
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [names])
        options = dict(cursor.fetchall())

    assert len(names) == 3  # title, body, autocomplete
    assert all("fastupdate=off" in (options[name] or []) for name in names), options


def test_an_indexed_article_leaves_no_pending_list(postgres_only, site_tree, django_capture_on_commit_callbacks):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        with django_capture_on_commit_callbacks(execute=True):
            make_article(site_tree.sections["news"], title="Harbour cranes stand idle")
        assert IndexEntry.objects.filter(title_text="Harbour cranes stand idle").exists()
        names = index_upkeep.gin_indexes(cursor)
        cursor.execute(
            "SELECT sum((pgstatginindex(name::regclass)).pending_tuples) FROM unnest(%s::text[]) AS name", [names]
        )
        pending = cursor.fetchone()[0]

    assert pending == 0
