"""Static files as `make run` serves them look like production's: hashed names cached for
a year as immutable, and compressed (decision 0005)."""

import json
import subprocess
import sys

import pytest

from masthead.core.tests.processes import PROJECT, clean_environment, run_masthead

# Processes of their own on SQLite data folders of their own: the PostgreSQL pass leaves them out.
pytestmark = pytest.mark.timeout_sensitive

ONE_YEAR = 31_536_000
# Asks the development settings for the stylesheet's address and fetches it through the
# middleware stack (whitenoise) with each encoding a browser may accept.
FETCH_STYLESHEET = """
import json
import django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

url = staticfiles_storage.url("masthead/css/site.css")
answers = {}
for encoding in ("br", "gzip", "identity"):
    response = Client().get(url, HTTP_ACCEPT_ENCODING=encoding)
    answers[encoding] = {
        "status": response.status_code,
        "content_encoding": response.get("Content-Encoding", ""),
        "cache_control": response.get("Cache-Control", ""),
    }
print(json.dumps({"url": url, "answers": answers}))
"""


def _fetch_in_development(data_dir) -> dict:
    environment = clean_environment(
        MASTHEAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masthead.settings.development"
    )
    result = subprocess.run(
        [sys.executable, "-c", FETCH_STYLESHEET],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _max_age(cache_control: str) -> int:
    directives = dict(part.strip().partition("=")[::2] for part in cache_control.split(","))
    return int(directives.get("max-age") or 0)


def test_development_serves_hashed_compressed_static_files_cached_for_a_year(tmp_path):
    collected = run_masthead("collectstatic", "--noinput", "-v", "0", MASTHEAD_DATA_DIR=str(tmp_path))
    assert collected.returncode == 0, collected.stderr

    fetched = _fetch_in_development(tmp_path)

    assert fetched["url"].startswith("/static/masthead/css/site.")
    assert fetched["url"] != "/static/masthead/css/site.css"  # a content hash in the name
    answers = fetched["answers"]
    assert answers["br"]["content_encoding"] == "br"
    assert answers["gzip"]["content_encoding"] == "gzip"
    assert answers["identity"]["content_encoding"] == ""
    for answer in answers.values():
        assert answer["status"] == 200
        assert "immutable" in answer["cache_control"]
        assert _max_age(answer["cache_control"]) >= ONE_YEAR


def test_before_collectstatic_development_still_serves_the_apps_files(tmp_path):
    """`masthead serve` started by hand, before any collectstatic: plain names from the
    apps' folders, not a broken page."""
    fetched = _fetch_in_development(tmp_path)

    assert fetched["url"] == "/static/masthead/css/site.css"
    assert fetched["answers"]["identity"]["status"] == 200


def test_collectstatic_minifies_the_sites_own_scripts_and_stylesheets_and_keeps_them_working(tmp_path):
    """Readers get Masthead's scripts and stylesheets without comments (decision 0012): the
    collected copies are smaller, still parse, and the stylesheet keeps its dark mode and
    points at the hashed font."""
    collected = run_masthead("collectstatic", "--noinput", "-v", "0", MASTHEAD_DATA_DIR=str(tmp_path))
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]

    for name in ("masthead/js/site.js", "masthead/js/comments.js", "pagecache/pending-purges.js"):
        source = next(PROJECT.glob(f"masthead/*/static/{name}")).read_text()
        served = (tmp_path / "static" / manifest[name]).read_text()
        assert len(served) < len(source) * 0.9, name
        assert "// " not in served.replace("://", "")  # no line comments left
        parsed = subprocess.run(
            ["node", "--check", tmp_path / "static" / manifest[name]], capture_output=True, text=True
        )
        assert parsed.returncode == 0, parsed.stderr

    stylesheet = (tmp_path / "static" / manifest["masthead/css/site.css"]).read_text()
    assert len(stylesheet) < len((PROJECT / "masthead/core/static/masthead/css/site.css").read_text())
    assert "/*" not in stylesheet
    assert "prefers-color-scheme:dark" in stylesheet.replace(" ", "")
    font = manifest["masthead/fonts/newsreader-latin-700.woff2"].rsplit("/", 1)[-1]
    assert font in stylesheet  # url() rewritten to the hashed name after minifying


def test_stylesheets_lose_the_leading_zero_of_numbers_but_never_inside_strings_or_urls():
    from masthead.core.staticfiles import minify_css

    source = (
        "a { margin: 0.25rem 0.5em; top: -0.5rem; width: 10.5px; transform: scale(0.9); "
        'content: "0.5"; background: url(x-0.5.png); font: 0.9rem/1.5 serif; }'
    )
    assert minify_css(source) == (
        'a{margin:.25rem .5em;top:-0.5rem;width:10.5px;transform:scale(.9);content:"0.5";'
        "background:url(x-0.5.png);font:.9rem/1.5 serif}"
    )
