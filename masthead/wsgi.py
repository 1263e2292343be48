"""WSGI entry point for granian and any other WSGI server."""

from django.core.wsgi import get_wsgi_application

from masthead import env

env.use_settings()
application = get_wsgi_application()
