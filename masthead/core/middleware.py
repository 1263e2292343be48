from django.conf import settings


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
