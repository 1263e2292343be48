from .base import *  # noqa: F403
from .base import CONFIG, SITE_URL

DEBUG = False
SECURE_SSL_REDIRECT = SITE_URL.startswith("https://")
# Behind a TLS-terminating proxy (nginx, a load balancer), the proxy says the scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SITE_URL.startswith("https://")
SECURE_HSTS_SECONDS = 31_536_000 if SITE_URL.startswith("https://") else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_URL.startswith("https://")
SECURE_HSTS_PRELOAD = SITE_URL.startswith("https://")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

if not CONFIG.is_production:
    raise RuntimeError("masthead.settings.production needs MASTHEAD_ENV=production")
