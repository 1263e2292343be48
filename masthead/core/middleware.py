import re

from django.conf import settings
from django.shortcuts import render

from masthead.pagecache import fragments
from masthead.pagecache import keys as cache_keys
from masthead.pagecache.memory import WorkerMemory

# Few sites, many hostnames a client may send: bounded all the same.
_sites = WorkerMemory("sites", max_entries=64)


# C0 controls, DEL and C1 controls: no slug, page path or file name holds one.
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


class ControlCharacterMiddleware:
    """Refuse a path that holds a control character, before any view or lookup sees it.

    One check for every route (Masthead's slugs, Wagtail's page routing, the redirects
    lookup, media and documents): PostgreSQL refuses NUL in a text parameter, so such a
    path would otherwise end as a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL_CHARACTER.search(request.path_info):
            return render(request, "400.html", {"reason": "The address holds a control character."}, status=400)
        return self.get_response(request)


class AdminContentSecurityPolicyMiddleware:
    """Give the Wagtail admin the policy it needs, and reader pages the strict one.

    Sits inside Django's CSP middleware, so the override is on the response before that
    middleware writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") or getattr(request, "is_preview", False):
            response._csp_config = settings.MASTHEAD_ADMIN_CSP
        return response


class CurrentSiteMiddleware:
    """Find the request's Wagtail Site without a query.

    Wagtail looks the Site up in the database on every request; Masthead keeps the answer
    in each worker until a Site changes. Wagtail and
    Masthead's templates then find it on the request, where Wagtail keeps its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from wagtail.models import Site
        from wagtail.models.sites import split_domain_port

        hostname = split_domain_port(request._get_raw_host())[0]
        key = (hostname, request.get_port())

        def find():
            site = Site._find_for_request(request)
            if site is not None:
                site.root_page.specific  # noqa: B018 (loaded once, with the site)
            return site

        # A change to any Site purges everything (the SITE key every value names); the
        # home page it carries is retired when that page is published.
        request._wagtail_site = fragments.remember(
            _sites, key, find, keys=lambda site: {cache_keys.page(site.root_page_id)}, request=request
        )
        return self.get_response(request)
