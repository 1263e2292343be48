"""The configuration contract: environment in, settings out, and production is strict."""

import subprocess
import sys

import pytest

from masthead import env
from masthead.core.tests.processes import PROJECT, clean_environment, run_masthead


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_production_refuses_to_start_without_secret_key_and_site_url(tmp_path):
    result = run_masthead("check", MASTHEAD_ENV="production", MASTHEAD_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "SECRET_KEY and SITE_URL" in result.stderr


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_deploy_checks_are_clean_in_production(tmp_path):
    result = run_masthead(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MASTHEAD_ENV="production",
        MASTHEAD_DATA_DIR=str(tmp_path),
        SECRET_KEY="x" * 20 + "-production-secret-key-for-the-check-only-9a8b7c",
        SITE_URL="https://news.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_migrations_match_the_models(tmp_path):
    result = run_masthead("makemigrations", "--check", "--dry-run", MASTHEAD_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MASTHEAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MASTHEAD_ENV", "development")
    first = env.load().secret_key
    assert len(first) >= 50
    assert env.load().secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


# Watches every audited call while the key is made: from the moment the file exists,
# nobody but its owner may read it, whatever the umask.
KEY_FILE_WATCH = """
import os, stat, sys
from pathlib import Path
key_file = Path(sys.argv[1]) / "secret_key"
modes = []
def watch(event, args):
    if key_file.exists():
        modes.append(stat.S_IMODE(os.stat(key_file).st_mode))
sys.addaudithook(watch)
os.umask(0)
from masthead import env
env.load()
modes.append(stat.S_IMODE(os.stat(key_file).st_mode))
print(sorted(set(modes)))
"""


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_the_development_secret_key_is_never_readable_by_others(tmp_path):
    """The key file is created owner-only: no moment exists, even with umask 0, when
    another user could read it."""
    result = subprocess.run(
        [sys.executable, "-c", KEY_FILE_WATCH, str(tmp_path)],
        cwd=PROJECT,
        env=clean_environment(MASTHEAD_DATA_DIR=str(tmp_path), MASTHEAD_ENV="development"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[384]"  # 0o600 and nothing else, ever


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MASTHEAD_PAGE_CACHE", "maybe", "MASTHEAD_PAGE_CACHE must be on or off"),
        ("PORT", "eighty", "PORT must be a number"),
        ("MASTHEAD_ENV", "staging", "MASTHEAD_ENV must be development or production"),
        ("MASTHEAD_CDN_PURGE_URL", "varnish:6081", "MASTHEAD_CDN_PURGE_URL must start with http"),
    ],
)
def test_bad_values_get_a_clear_error(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv("MASTHEAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(env.ConfigurationError, match=message):
        env.load()


def test_nothing_but_env_reads_the_environment():
    offenders = [
        path.relative_to(PROJECT)
        for path in (PROJECT / "masthead").rglob("*.py")
        if "os.environ" in path.read_text() and path.name != "env.py" and "tests" not in path.parts
    ]
    assert offenders == []


# What a developer's shell may hold; none of it may change what the tests see.
CALLERS_CONFIGURATION = {
    "MASTHEAD_ADMIN_PASSWORD": "from-the-shell",
    "MASTHEAD_ENV": "production",
    "MASTHEAD_PAGE_CACHE": "maybe",
    "MASTHEAD_STATIC_PUBLISH_DIR": "/nonexistent/published",
    "MASTHEAD_CDN_PURGE_URL": "http://127.0.0.1:9",
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "EMAIL_URL": "smtp://127.0.0.1:9",
    "SECRET_KEY": "from-the-shell",
    "SITE_URL": "https://shell.example",
    "DJANGO_SETTINGS_MODULE": "masthead.settings.development",
}
TEST_SETTINGS_PROBE = """
import django
from django.conf import settings
django.setup()
print(settings.SETTINGS_MODULE, repr(settings.CONFIG.admin_password), settings.CONFIG.redis_url == "",
      settings.CONFIG.email_url == "", settings.CONFIG.env, settings.CONFIG.require_services)
"""


@pytest.mark.timeout_sensitive  # a process of its own, whatever the pass
def test_the_test_settings_ignore_the_callers_configuration_but_required_services():
    """Only MASTHEAD_REQUIRE_SERVICES (CI's switch) and DATABASE_URL (the PostgreSQL pass)
    reach the test settings from the caller's environment."""
    result = subprocess.run(
        [sys.executable, "-c", TEST_SETTINGS_PROBE],
        cwd=PROJECT,
        env={
            **clean_environment(**CALLERS_CONFIGURATION, MASTHEAD_REQUIRE_SERVICES="1"),
            "DJANGO_SETTINGS_MODULE": "masthead.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["masthead.settings.test", "''", "True", "True", "development", "True"]


@pytest.mark.timeout_sensitive
def test_the_demo_password_test_passes_with_a_password_in_the_shell():
    """The test from the issue, run as `make test` runs it, with the caller's shell full
    of Masthead configuration."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "masthead/demo/tests/test_demo.py::test_demo_command_prints_the_generated_password_once",
        ],
        cwd=PROJECT,
        env=clean_environment(**CALLERS_CONFIGURATION),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
