"""Uploaded media: only image renditions are plain files; everything else stays behind
Wagtail's own views and their privacy checks."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from masthead.news.tests.factories import make_image
from masthead.pagecache.tests.helpers import cached_site, wsgi_request

pytestmark = pytest.mark.django_db

# Each reaches documents/<file> once normalised; browsers and urllib would normalise
# them before sending, an attacker's raw request does not.
DOCUMENT_DETOURS = [
    "/media//documents/{name}",
    "/media/./documents/{name}",
    "/media/original_images/../documents/{name}",
    "/media/images/../documents/{name}",
    "/media/images/../../media/documents/{name}",
    "/media/documents/{name}",
]


@pytest.fixture
def private_document(site_tree):
    """A document in a collection only logged-in users may see."""
    root = Collection.get_first_root_node()
    private = root.add_child(name="Legal")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    document = Document(title="Settlement draft", collection=private)
    document.file.save("settlement.txt", ContentFile(b"CONFIDENTIAL settlement terms"), save=False)
    document.save()
    return document


@pytest.mark.parametrize("detour", DOCUMENT_DETOURS)
def test_a_private_document_is_never_sent_from_media(client, private_document, detour):
    """However the path is spelled, /media/ does not hand out a private document."""
    name = private_document.file.name.removeprefix("documents/")

    response = client.get(detour.format(name=name))

    assert response.status_code == 404
    assert b"CONFIDENTIAL" not in response.content


@pytest.mark.parametrize("detour", DOCUMENT_DETOURS)
def test_a_private_document_is_never_sent_from_media_through_the_whole_wsgi_stack(
    private_document, page_cache_dir, detour
):
    """The raw path as a server passes it (PATH_INFO unnormalised), page cache in front."""
    name = private_document.file.name.removeprefix("documents/")

    response = wsgi_request(cached_site(page_cache_dir), detour.format(name=name))

    assert response.status_code == 404
    assert b"CONFIDENTIAL" not in response.body


def test_the_private_document_itself_asks_for_a_login(client, private_document):
    response = client.get(private_document.url)

    assert response.status_code == 302
    assert "login/?next=/documents/" in response["Location"]


def test_image_renditions_are_served_from_media(client, site_tree):
    rendition = make_image().get_rendition("width-400")

    response = client.get(rendition.url)

    assert rendition.url.startswith("/media/images/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_original_uploads_are_not_served_from_media(client, site_tree):
    """Pages and the admin link renditions only; an original keeps its camera metadata
    (place, device) and is never linked, so it is not a public file."""
    image = make_image()

    assert image.file.name.startswith("original_images/")
    assert client.get("/media/" + image.file.name).status_code == 404


@pytest.mark.parametrize("path", ["/media/", "/media/images/", "/media/..", "/media/images/../"])
def test_media_folders_are_not_listed(client, site_tree, path):
    assert client.get(path).status_code == 404
