"""An editor sees purges that wait for a retry as a warning on admin pages, in Wagtail's
own message area (put there by a script: the admin's CSP allows no inline one)."""

import pytest
from django.contrib.auth import get_user_model

from masthead.news.tests.factories import build_site
from masthead.pagecache.pending import keep_for_retry
from masthead.pagecache.tests.test_pending import editors_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sees_the_waiting_purges_on_admin_pages(live_server, browser):
    build_site()
    editor = get_user_model().objects.create_user("editor", password="pw-for-tests-only")
    editor.groups.add(editors_group())
    keep_for_retry(keys=["page-12", "list-latest"], error="ConnectionError('Redis is down')")
    page = browser.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    assert page.locator("#waiting-purges-section").get_by_text("page-12").count() > 0  # the dashboard panel
    page.goto(live_server.url + "/admin/pages/")
    warning = page.locator(".messages li.warning")
    warning.wait_for()
    assert "Cache purges are waiting" in warning.inner_text()
    assert "page-12" in warning.inner_text() and "Redis is down" in warning.inner_text()
