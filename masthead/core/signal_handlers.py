from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_migrate

INSTALL_DEFAULT = ("localhost", 80)


def site_address_from_site_url() -> tuple[str, int]:
    url = urlsplit(settings.SITE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


def point_default_site_at_site_url(sender, **kwargs):
    """Wagtail's install makes a site at localhost:80; canonical and share links need the
    real address, so the untouched default follows SITE_URL. A site an editor changed in
    Settings → Sites is left alone."""
    from wagtail.models import Site

    sites = list(Site.objects.all()[:2])
    if len(sites) != 1 or (sites[0].hostname, sites[0].port) != INSTALL_DEFAULT:
        return
    hostname, port = site_address_from_site_url()
    if (hostname, port) != INSTALL_DEFAULT:
        Site.objects.filter(pk=sites[0].pk).update(hostname=hostname, port=port)


def register():
    post_migrate.connect(point_default_site_at_site_url, dispatch_uid="core-site-from-site-url")
