from .base import *  # noqa: F403

# DEBUG stays off: the demo is meant to look and behave like the real site (404 and
# 500 pages in the site's design, no debug toolbar, no auto-reload of the worker).
DEBUG = False
ALLOWED_HOSTS = ["*"]
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedStaticFilesStorage"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
# Static files come straight from the apps' folders; `collectstatic` is for production.
STATIC_ROOT = None
