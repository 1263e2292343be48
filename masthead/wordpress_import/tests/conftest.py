"""One import of WordPress's theme test export shared by the tests of a module that only
read what it made: importing it takes tens of seconds, and a dozen tests each doing it
made the suite minutes slower.

The import runs in a transaction the module's tests run inside (each test's own
transaction is a savepoint in it, rolled back after the test, as usual) and that is
rolled back when the module is done, so nothing leaks into other modules."""

import pytest
from django.db import transaction

from masthead.news.tests.factories import build_site
from masthead.wordpress_import import services
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE


@pytest.fixture(scope="module")
def theme_test_import(django_db_setup, django_db_blocker):
    """The report of importing the theme test export into a new site (build_site)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            build_site()
            with open(FIXTURE, "rb") as source:
                report = services.import_export(source)
            yield report
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
