"""Image attachments come into the media library from a copy of wp-content/uploads or
from the old site over HTTP (a real local server here); bodies, galleries and featured
images use them; a missing, broken or out-of-bounds file leaves a link and a warning."""

import functools
import http.server
import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from masthead.core.models import NewsImage
from masthead.news.tests.factories import build_site
from masthead.wordpress_import import media, services, wxr
from masthead.wordpress_import.tests.test_import import imported_article
from masthead.wordpress_import.tests.test_reading_exports import FIXTURE, FOOTER, HEADER, post

pytestmark = pytest.mark.django_db

MISSING = "2008/06/windmill.jpg"  # attachment 767, one of post 555's gallery


def image_bytes(kind: str = "JPEG", size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 110, 70)).save(buffer, kind)
    return buffer.getvalue()


def fixture_attachments() -> dict[int, wxr.Item]:
    return {
        record.wordpress_id: record
        for record in wxr.read(str(FIXTURE))
        if isinstance(record, wxr.Item) and record.post_type == "attachment"
    }


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of the fixture site's uploads folder: every image but one."""
    folder = tmp_path / "uploads"
    for item in fixture_attachments().values():
        relative = media.relative_path(item)
        if relative.endswith((".jpg", ".gif")) and relative != MISSING:
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(image_bytes("GIF" if relative.endswith(".gif") else "JPEG"))
    return folder


def image_blocks(article) -> list[int]:
    return [block.value["image"].pk for block in article.body if block.block_type == "image"]


def test_the_fixtures_images_come_into_the_library_and_articles_use_them(uploads, client):
    build_site()
    with open(FIXTURE, "rb") as source:
        report = services.import_export(source, media_source=media.MediaSource(media_dir=uploads))

    assert report.created["images"] == 34 == NewsImage.objects.count()  # 35 image attachments, one file missing
    assert report.skipped["attachments that are not images (audio, video, documents)"] == 2
    assert report.skipped["image attachments whose file was not found"] == 1
    assert any("attachment 767" in warning and MISSING in warning for warning in report.warnings)

    by_attachment = {
        int(key): object_id
        for key, object_id in services.ImportedObject.objects.filter(kind="attachment").values_list("key", "object_id")
    }
    assert imported_article(1011).featured_image_id == by_attachment[1022]  # "Featured Image (Horizontal)"
    assert imported_article(1016).featured_image_id == by_attachment[1027]
    canola = NewsImage.objects.get(pk=by_attachment[611])
    assert (canola.title, canola.description) == ("canola2", "canola")
    assert canola.default_caption.startswith("Lorem ipsum")

    # The gallery post's ten [gallery]s name no images: each shows all of the post's own,
    # the missing one as a link.
    gallery = [by_attachment[i] for i, item in fixture_attachments().items() if item.parent_id == 555 and i != 767]
    assert image_blocks(imported_article(555)) == gallery * 10
    # The image alignment post cites resized copies by address; each finds its attachment.
    alignment = image_blocks(imported_article(1177))
    assert by_attachment[967] in alignment and by_attachment[1029] in alignment

    for wordpress_id in (555, 1011, 1177):
        article = imported_article(wordpress_id)
        assert client.get(article.url).status_code == 200


def attachment(wordpress_id: int, path: str, *, parent: int = 10, meta: str = "") -> str:
    return (
        f"<item><title>Photo {wordpress_id}</title><wp:post_id>{wordpress_id}</wp:post_id>"
        f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
        f"<wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:attachment_url>https://news.example/wp-content/uploads/{path}</wp:attachment_url>{meta}</item>\n"
    )


def thumbnail(attachment_id: int) -> str:
    return f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{attachment_id}</wp:meta_value></wp:postmeta>"


@pytest.fixture
def old_site(tmp_path):
    """The old site's uploads over real HTTP, as --media-base-url fetches them."""
    root = tmp_path / "www"
    (root / "wp-content/uploads/2024/05").mkdir(parents=True)
    (root / "wp-content/uploads/2024/05/harbour.jpg").write_bytes(image_bytes())
    (root / "wp-content/uploads/2024/05/notes.jpg").write_text("not an image at all")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wp-content/uploads"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def test_images_are_fetched_from_the_old_site_and_bad_files_are_reported(old_site):
    build_site()
    body = '<img src="https://news.example/wp-content/uploads/2024/05/harbour-300x200.jpg" alt="Boats">'
    export = (
        HEADER
        + post(10, body=body, extra=thumbnail(21))
        + attachment(21, "2024/05/harbour.jpg")
        + attachment(22, "2024/05/gone.jpg")
        + attachment(23, "2024/05/notes.jpg")
        + FOOTER
    )
    report = services.import_export(io.BytesIO(export.encode()), media_source=media.MediaSource(base_url=old_site))

    assert report.created["images"] == 1
    article = imported_article(10)
    assert article.featured_image is not None and article.featured_image.width == 640
    assert image_blocks(article) == [article.featured_image_id]  # the resized copy's address found it
    assert any("gone.jpg answered 404" in warning for warning in report.warnings)
    assert any("notes.jpg is not an image that can be read" in warning for warning in report.warnings)


def test_a_file_outside_the_media_folder_is_never_read(tmp_path):
    build_site()
    (tmp_path / "secret.jpg").write_bytes(image_bytes())
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    escape = "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>../secret.jpg</wp:meta_value></wp:postmeta>"
    export = (
        HEADER
        + post(10, extra=thumbnail(21))
        + attachment(21, "x.jpg", meta=escape)
        + attachment(22, "link.jpg")
        + FOOTER
    )
    report = services.import_export(io.BytesIO(export.encode()), media_source=media.MediaSource(media_dir=folder))

    assert NewsImage.objects.count() == 0
    assert sum("points outside the media folder" in warning for warning in report.warnings) == 2
    assert imported_article(10).featured_image_id is None


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        (
            "https://site/wp-content/uploads/2008/06/Photo-300x200.jpg?w=300",
            ["2008/06/photo-300x200.jpg", "2008/06/photo.jpg"],
        ),
        ("https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg", ["2008/06/canola2.jpg"]),
        ("//cdn.example/wp-content/uploads/a%20b.png", ["a b.png"]),
        ("", []),
    ],
)
def test_image_addresses_match_their_attachment_whatever_the_size_suffix(url, keys):
    assert media.address_keys(url) == keys


def test_without_the_files_a_gallerys_images_stay_links_to_where_they_were():
    build_site()
    export = HEADER + post(10, body="[gallery]") + attachment(21, "2024/05/harbour.jpg") + FOOTER
    services.import_export(io.BytesIO(export.encode()))

    body = [block.value.source for block in imported_article(10).body if block.block_type == "paragraph"]
    assert body == ['<p><a href="https://news.example/wp-content/uploads/2024/05/harbour.jpg">harbour.jpg</a></p>']


@pytest.fixture
def small_uploads(tmp_path) -> Path:
    folder = tmp_path / "small-uploads"
    for name in ("harbour.jpg", "quay.jpg"):
        (folder / "2024/05").mkdir(parents=True, exist_ok=True)
        (folder / "2024/05" / name).write_bytes(image_bytes())
    return folder


SMALL_EXPORT = (
    HEADER
    + post(
        10, body='<img src="https://news.example/wp-content/uploads/2024/05/quay.jpg" alt="Quay">', extra=thumbnail(21)
    )
    + attachment(21, "2024/05/harbour.jpg")
    + attachment(22, "2024/05/quay.jpg")
    + FOOTER
)


def test_importing_again_keeps_the_images_it_made(small_uploads):
    build_site()
    source = media.MediaSource(media_dir=small_uploads)
    first = services.import_export(io.BytesIO(SMALL_EXPORT.encode()), media_source=source)
    files = set(NewsImage.objects.values_list("file", flat=True))
    assert first.created["images"] == 2 and len(files) == 2

    again = services.import_export(io.BytesIO(SMALL_EXPORT.encode()), media_source=source)
    assert again.created["images"] == 0 and again.updated["images"] == 2
    assert set(NewsImage.objects.values_list("file", flat=True)) == files  # the files were not copied again

    without = services.import_export(io.BytesIO(SMALL_EXPORT.encode()))  # a later run without the files
    article = imported_article(10)
    assert article.featured_image_id is not None and len(image_blocks(article)) == 1
    assert not without.skipped[services.NO_MEDIA_SOURCE]  # every image is in the library already


def test_the_command_takes_the_media_options(small_uploads, capsys, tmp_path):
    build_site()
    export = tmp_path / "export.xml"
    export.write_text(SMALL_EXPORT)
    call_command("import_wordpress", str(export), "--media-dir", str(small_uploads))
    assert "images: 2 created, 0 updated" in capsys.readouterr().out
    with pytest.raises(Exception, match="no such folder"):
        call_command("import_wordpress", str(export), "--media-dir", str(tmp_path / "nowhere"))
    with pytest.raises(Exception, match="give an http or https address"):
        call_command("import_wordpress", str(export), "--media-base-url", "file:///etc/")
