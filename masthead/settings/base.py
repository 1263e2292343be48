"""Settings shared by every mode. Wiring only: values come from masthead.env."""

from urllib.parse import unquote, urlsplit

import dj_database_url
from django.utils.csp import CSP

from masthead import env

CONFIG = env.load()

BASE_DIR = env.PROJECT_ROOT
DATA_DIR = CONFIG.data_dir
SECRET_KEY = CONFIG.secret_key
SITE_URL = CONFIG.site_url
DEBUG = False
ALLOWED_HOSTS = [urlsplit(SITE_URL).hostname or "localhost", "127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "masthead.core",
    "masthead.news",
    "masthead.comments",
    "masthead.ads",
    "masthead.analytics",
    "masthead.donations",
    "masthead.newsletter",
    "masthead.search",
    "masthead.pagecache",
    "masthead.demo",
    "masthead.wordpress_import",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a path with a control character is refused before anything reads it or the database.
    "masthead.core.middleware.ControlCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "masthead.core.middleware.AdminContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "masthead.pagecache.middleware.FreshnessMiddleware",
    "masthead.core.middleware.CurrentSiteMiddleware",
    # WordPress's /?p=123 addresses, before sessions and CSRF: a redirect sets no cookie.
    "masthead.wordpress_import.middleware.OldPermalinkMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # Public templates must not touch the reader (no auth or CSRF context). The
            # messages processor is lazy: it reads the session only when a template loops
            # over `messages`, which only the admin's do (its confirmations and errors,
            # such as a refused publish, would otherwise never show).
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_settings():
    if CONFIG.database_url:
        database = dj_database_url.parse(CONFIG.database_url, conn_max_age=600)
        database.setdefault("OPTIONS", {})
        database["CONN_HEALTH_CHECKS"] = True
        return {"default": database}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "masthead.sqlite3",
            # Two server workers and the task worker share one file: WAL lets readers
            # go on during a write, IMMEDIATE takes the write lock up front instead of
            # failing half way, and the busy timeout waits for it.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }


DATABASES = _database_settings()
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Wagtail's search index uses PostgreSQL's full-text fields on PostgreSQL.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_settings():
    if CONFIG.redis_url:
        return {
            "default": {
                "BACKEND": "masthead.core.cache_backends.SharedClientRedisCache",
                "LOCATION": CONFIG.redis_url,
                "KEY_PREFIX": "masthead",
            }
        }
    # Shared by every worker process, unlike the local-memory cache.
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }


CACHES = _cache_settings()
# Renditions never change under a key (it holds the file's hash): each process keeps its own.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": [],
    }
}


def _mailer_settings():
    if CONFIG.email_url:
        url = urlsplit(CONFIG.email_url)
        if url.scheme not in {"smtp", "smtps", "smtp+tls"}:
            raise env.ConfigurationError("EMAIL_URL must start with smtp://, smtps:// or smtp+tls://")
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": url.hostname or "localhost",
                    "port": url.port or (465 if url.scheme == "smtps" else 25),
                    "username": unquote(url.username or ""),
                    "password": unquote(url.password or ""),
                    "use_ssl": url.scheme == "smtps",
                    "use_tls": url.scheme == "smtp+tls",
                    "timeout": 20,
                },
            }
        }
    if CONFIG.is_production:
        # Without EMAIL_URL a production site hands mail to the local mail server.
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "localhost", "port": 25},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }


MAILERS = _mailer_settings()
DEFAULT_FROM_EMAIL = CONFIG.default_from_email
SERVER_EMAIL = CONFIG.default_from_email

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "masthead.core.staticfiles.MinifiedStaticFilesStorage",
    },
}
WHITENOISE_MAX_AGE = 3600

# Reader pages carry no inline script or style, so a nonce (which a cached page could
# not keep fresh) is never needed. The admin gets its own policy, see
# masthead.core.middleware.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
MASTHEAD_ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF, "https:"],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views allow their own frame
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "masthead.core.views.csrf_failure"

LOGIN_URL = "wagtailadmin_login"

WAGTAIL_SITE_NAME = "Masthead"
WAGTAILADMIN_BASE_URL = SITE_URL
# Wagtail's database backend (FTS5 or PostgreSQL full text), ranking headlines first.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "masthead.search.backends.sqlite"},
}
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "masthead.search.backends.postgres",
        # The site's language (LANGUAGE_CODE), named: the index and the queries then stem
        # alike whatever the server's default, and to_tsquery('english', …) is a constant
        # PostgreSQL folds once, where to_tsquery(…) with the default was parsed and stemmed
        # again for every row a search looked at (a third of a common word's count).
        "SEARCH_CONFIG": "english",
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_IMAGE_MODEL = "core.NewsImage"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Where video providers keep their thumbnails: the only hosts a resolved embed's picture
# is copied from (masthead/core/embed_thumbnails.py).
MASTHEAD_EMBED_THUMBNAIL_HOSTS = ["i.ytimg.com", "img.youtube.com", "i.vimeocdn.com"]
# The admin asks no third party: no release check, no Gravatar lookups of editors' emails.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
TAGGIT_CASE_INSENSITIVE = True

MASTHEAD_PROXY_HOPS = CONFIG.proxy_hops
MASTHEAD_SPAM_CHECKER_KEY = CONFIG.spam_checker_key


# Donations through PayPal (issue 11, decision 0013). Without credentials outside
# production, payments go to Masthead's local PayPal sandbox (demo payments, no money
# moves: templates show a banner when PAYPAL_SANDBOX_LOCAL); in production without
# credentials, donations are off (DONATIONS_ENABLED False).
def _paypal_settings() -> dict:
    from masthead import paypal_sandbox

    paypal = CONFIG.paypal
    if paypal is None:
        return {"API_BASE": env.PAYPAL_NOWHERE, "CLIENT_ID": "", "CLIENT_SECRET": "", "WEBHOOK_ID": "", "LOCAL": False}
    if paypal.sandbox_local:
        return {
            "API_BASE": paypal.api_base,
            "CLIENT_ID": paypal_sandbox.LOCAL_CLIENT_ID,
            "CLIENT_SECRET": paypal_sandbox.LOCAL_CLIENT_SECRET,
            "WEBHOOK_ID": paypal_sandbox.LOCAL_WEBHOOK_ID,
            "LOCAL": True,
        }
    return {
        "API_BASE": paypal.api_base,
        "CLIENT_ID": paypal.client_id,
        "CLIENT_SECRET": paypal.client_secret,
        "WEBHOOK_ID": paypal.webhook_id,
        "LOCAL": False,
    }


_PAYPAL = _paypal_settings()
PAYPAL_API_BASE = _PAYPAL["API_BASE"]
PAYPAL_CLIENT_ID = _PAYPAL["CLIENT_ID"]
PAYPAL_CLIENT_SECRET = _PAYPAL["CLIENT_SECRET"]
PAYPAL_WEBHOOK_ID = _PAYPAL["WEBHOOK_ID"]
PAYPAL_SANDBOX_LOCAL = _PAYPAL["LOCAL"]
DONATIONS_ENABLED = bool(PAYPAL_CLIENT_ID)
# A reader is waiting on every call but webhook verification: fail fast, let reconcile retry.
PAYPAL_TIMEOUT_SECONDS = 8

MASTHEAD_PAGE_CACHE = CONFIG.page_cache
MASTHEAD_PAGE_CACHE_DIR = DATA_DIR / "pages"
MASTHEAD_PAGE_CACHE_REDIS_URL = CONFIG.redis_url
# With REDIS_URL, beacons are spooled here and shipped to Redis by each worker
# (masthead/analytics/spool.py).
MASTHEAD_ANALYTICS_SPOOL_DIR = DATA_DIR / "spool"
# WordPress exports uploaded in the admin wait here until their import has read them.
MASTHEAD_IMPORT_DIR = DATA_DIR / "imports"
# Static publishing: cached pages are also written here for nginx to serve directly.
MASTHEAD_STATIC_PUBLISH_DIR = CONFIG.static_publish_dir
# A CDN or cache in front of Masthead that accepts HTTP PURGE (Varnish, Fastly, nginx's
# cache purge): every page the page cache purges is purged there too, through Wagtail's
# frontend cache. See masthead/pagecache/cdn.py.
WAGTAILFRONTENDCACHE = (
    {"cdn": {"BACKEND": "masthead.pagecache.cdn.HTTPPurgeBackend", "LOCATION": CONFIG.cdn_purge_url}}
    if CONFIG.cdn_purge_url
    else {}
)
# Browsers revalidate every time (a 304 is cheap); CDNs may keep a page a minute and
# serve it stale for 5 more while fetching a fresh copy. See docs/deploy/.
MASTHEAD_PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "wagtail": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}

# Newsletter delivery (newsletter/sending.py, decision 0016). A batch is one SMTP
# connection; a claim is renewed while its sender lives and taken back when it is gone.
NEWSLETTER_BATCH_SIZE = 200
# SMTP connections a send task keeps busy at once (each its own thread and batches).
NEWSLETTER_CONNECTIONS = 4
NEWSLETTER_CLAIM_SECONDS = 120
# Temporary failures (4xx, a refused or broken connection) wait this long, doubled at
# each attempt, up to NEWSLETTER_MAX_ATTEMPTS attempts (about 4 hours with 8).
NEWSLETTER_RETRY_SECONDS = 60
NEWSLETTER_MAX_ATTEMPTS = 8
# Each send task gives the worker back after this long (and queues its own sequel), so
# other tasks are not held up by a long send.
NEWSLETTER_TASK_SECONDS = 30
NEWSLETTER_JOURNAL_DIR = DATA_DIR / "newsletter-journal"
