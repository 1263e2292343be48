"""WSGI entry point for granian and any other WSGI server.

The page cache sits in front of Django here, so a cached page costs no Django work, and
the analytics beacon in front of both: every read sends one, so it must not pay for the
page cache's lookup or Django's middleware (masthead/analytics/beacon.py).
"""

import gc

from django.core.wsgi import get_wsgi_application

from masthead import env

env.use_settings()


def build_application():
    from django.conf import settings

    from masthead.analytics.beacon import BeaconApplication
    from masthead.pagecache.purge import page_store
    from masthead.pagecache.wsgi import PageCacheApplication

    django_application = get_wsgi_application()
    return BeaconApplication(
        PageCacheApplication(
            django_application,
            store=page_store(),
            session_cookie=settings.SESSION_COOKIE_NAME,
            enabled=settings.MASTHEAD_PAGE_CACHE,
        )
    )


application = build_application()

# Everything loaded so far lives as long as the process: the collector need not walk it
# again on every full collection (fewer long pauses in the slowest requests).
gc.freeze()
