from .base import *  # noqa: F403

# DEBUG stays off: the demo is meant to look and behave like the real site (404 and
# 500 pages in the site's design, no debug toolbar, no auto-reload of the worker).
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Static files as in production: `make run` collects hashed, compressed copies into the
# data folder, served as immutable; the apps' folders answer for anything not collected.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "masthead.core.staticfiles.CollectedOrSourceStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
