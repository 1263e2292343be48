"""Requests the site cannot mean are refused at the door with a clear 400."""

import pytest

from masthead.news.tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

CONTROL_CHARACTER_PATHS = [
    "/tag/%00/",  # a tag slug: reached PostgreSQL, which refuses NUL in text (a 500)
    "/tag/ports%00/",
    "/author/%00/",  # an author slug
    "/news/%00/",  # Wagtail's page routing
    "/news/story%0A/",
    "/news/%1B/",
    "/%7F/",
    "/tag/%C2%85/",  # C1 control (NEL), UTF-8 encoded
    "/latest/%00",
    "/media/images/%00.jpg",
    "/documents/1/%00.pdf",
]


@pytest.mark.parametrize("path", CONTROL_CHARACTER_PATHS)
def test_control_characters_in_the_path_get_a_400(client, site_tree, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "That request didn’t make sense" in response.content.decode()
    assert "control character" in response.content.decode()


def test_a_control_character_is_refused_before_other_middleware_reads_the_path(client, site_tree, settings):
    """The check comes first in MIDDLEWARE: even the HTTPS redirect, which copies the path
    into its Location, never sees a path that cannot name anything."""
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/tag/%00/")

    assert response.status_code == 400 and "Location" not in response


def test_ordinary_paths_still_reach_their_pages(client, site_tree):
    article = make_article(site_tree.sections["news"], authors=[make_author("Ana Díaz")], tags=["Ports"])

    assert client.get(article.url).status_code == 200
    assert client.get("/tag/ports/").status_code == 200
    assert client.get("/author/ana-diaz/").status_code == 200
    assert client.get("/tag/z%C3%BCrich/").status_code == 404  # no such tag: not a bad request
