"""Restricted pages stay restricted though each worker keeps the restrictions between purges."""

import pytest
from wagtail.models import Page, PageViewRestriction

from masthead.core import privacy
from masthead.news.tests.factories import make_article
from masthead.pagecache.purge import page_store

pytestmark = pytest.mark.django_db


def _restrict(page, **fields) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(
        page=page, **({"restriction_type": PageViewRestriction.PASSWORD, "password": "s3cret"} | fields)
    )
    page_store().purge_all()  # as the purge that follows a privacy change does, on commit
    return restriction


def test_an_article_in_a_password_protected_section_asks_for_the_password(client, site_tree):
    public = make_article(site_tree.sections["analysis"], title="Open story")
    hidden = make_article(site_tree.sections["news"], title="Members story")
    _restrict(site_tree.sections["news"])
    assert b"Open story" in client.get(public.url).content  # the restrictions are now kept

    response = client.get(hidden.url)

    assert b"password" in response.content.lower()
    assert b"Members story" not in response.content
    assert "no-cache" in response["Cache-Control"]


def test_an_article_behind_a_login_sends_the_reader_to_log_in(client, site_tree):
    hidden = make_article(site_tree.sections["news"], title="Staff memo")
    neighbour = make_article(site_tree.sections["news"], title="Public report")
    _restrict(hidden, restriction_type=PageViewRestriction.LOGIN, password="")

    assert client.get(neighbour.url).status_code == 200
    response = client.get(hidden.url)

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_restrictions_are_wagtails_for_every_page_and_alias(site_tree):
    """Each page's restrictions as Wagtail's own walk finds them: its own and its
    ancestors', an alias (page or ancestor) counting as the page it copies."""
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    article = make_article(news)
    make_article(analysis)
    alias = article.create_alias(parent=analysis, update_slug="copied-story")
    section_alias = news.create_alias(parent=site_tree.home, update_slug="news-copy", recursive=True)
    under_alias = make_article(section_alias.specific)  # not an alias itself
    on_news = _restrict(news)
    on_article = _restrict(article, restriction_type=PageViewRestriction.LOGIN, password="")

    pages = [page.specific for page in Page.objects.all()]
    found = {page.pk: {r.pk for r in privacy.view_restrictions(page)} for page in pages}
    expected = {page.pk: {r.pk for r in Page.get_view_restrictions(page)} for page in pages}

    assert found == expected
    assert found[alias.pk] == {on_article.pk}
    assert found[section_alias.pk] == {on_news.pk}
    assert found[section_alias.get_children().get(alias_of=article).pk] == {on_news.pk, on_article.pk}
    assert found[under_alias.pk] == {on_news.pk}


def test_listings_leave_out_what_is_restricted_as_wagtail_does(site_tree):
    make_article(site_tree.sections["analysis"])
    hidden = make_article(site_tree.sections["news"])
    _restrict(site_tree.sections["news"])

    readable = set(Page.objects.exclude(privacy.private_q()).values_list("pk", flat=True))

    assert readable == set(Page.objects.public().values_list("pk", flat=True))
    assert hidden.pk not in readable


def test_a_private_article_moved_to_another_section_stays_out_of_listings(
    client, site_tree, django_capture_on_commit_callbacks
):
    """Workers keep private pages with their tree paths; a move changes the path (found
    in review)."""
    news, analysis = site_tree.sections["news"], site_tree.sections["analysis"]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(news, title="A public story", hours_ago=3)
        hidden = make_article(news, title="The embargoed story", hours_ago=1)
        _restrict(hidden, restriction_type=PageViewRestriction.LOGIN, password="")
    assert b"The embargoed story" not in client.get("/latest/").content

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=hidden.pk).move(analysis, pos="last-child")

    for path in ("/latest/", "/analysis/", "/"):
        page = client.get(path).content
        assert b"The embargoed story" not in page, path
