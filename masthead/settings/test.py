from masthead import env

env.forget_the_callers_configuration()

from .base import *  # noqa: E402, F403
from .base import CONFIG  # noqa: E402

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A test's rows are in its own transaction (or SQLite's memory): newsletter sends use
# one thread there; the processes the tests start use the default.
NEWSLETTER_CONNECTIONS = 1
# Tasks run inside the test process right away (after commit), so search indexing,
# reference indexing and embed resolution happen before a test looks at the result.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"},
}
MEDIA_ROOT = CONFIG.data_dir / "test-media"
# Tests never reach the internet: every provider points at a closed local port unless a
# test starts its own fake provider.
WAGTAILEMBEDS_FINDERS = [
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [{"endpoint": "http://127.0.0.1:9/oembed", "urls": [r"^https?://.+$"]}],
    }
]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# The live server's threads must not keep connections open past a test, or PostgreSQL
# refuses to drop the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Each test that needs the page cache points it at its own folder (see conftest).
MASTHEAD_PAGE_CACHE_REDIS_URL = ""
MASTHEAD_STATIC_PUBLISH_DIR = None
