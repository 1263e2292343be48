"""WordPress's plain permalinks (`/?p=123`, `/?page_id=7`) after an import.

They name the home page's address with a query, so the home page would answer them
(Wagtail's redirects act only on a 404). Here such a request finds the redirect the
import recorded for it; the page cache leaves these queries to Django
(masthead/pagecache/addresses.py). Any other request passes straight through.
"""

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect

PERMALINK_PARAMETERS = ("p", "page_id")


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and any(name in request.GET for name in PERMALINK_PARAMETERS):
            path = Redirect.normalise_path(request.get_full_path())
            site = getattr(request, "_wagtail_site", None)
            redirect = (
                Redirect.get_for_site(site).filter(old_path=path).select_related("redirect_page").first()
                if path
                else None
            )
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
