import io

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from masthead.analytics import beacon as beacon_callable
from masthead.analytics import selectors
from masthead.analytics.models import AnalyticsSettings
from masthead.pagecache.public import add_query, mark_short_lived, public_page

MAX_IDS = 60  # a listing page's cards and the articles a reader appended
COUNTS_SECONDS = 60


def _ids(raw: str) -> list[int]:
    ids = set()
    for part in raw.split(",")[:MAX_IDS]:
        if part.isascii() and part.isdigit() and len(part) < 19:
            ids.add(int(part))
    return sorted(ids)


@require_safe
def counts(request):
    """ "N Views" per page for the articles and cards a page shows: one short-lived,
    cacheable answer per listing, so no count ever purges or varies a cached page."""
    ids = _ids(request.GET.get("pages", ""))
    if ids:
        add_query(request, "pages", ",".join(map(str, ids)))
    labels = selectors.view_count_labels(ids, settings=AnalyticsSettings.for_request(request))
    response = JsonResponse({str(page_id): label for page_id, label in labels.items()})
    response = mark_short_lived(request, response, seconds=COUNTS_SECONDS)
    if response.status_code == 200:
        # CDNs keep it as long as browsers do; nothing purges it.
        response["Cache-Control"] = f"public, max-age={COUNTS_SECONDS}, s-maxage={COUNTS_SECONDS}"
    return response


@require_safe
@public_page
def privacy_note(request):
    """How readers are counted, in words a reader can check against the code."""
    return TemplateResponse(request, "analytics/privacy_note.html", {})


@csrf_exempt  # no cookie, no authority: decision 0011
def beacon(request):
    """The beacon when Django is reached first (`runserver`, a test's live server): the
    same answers as the WSGI callable that `masthead serve` puts in front of Django."""
    environ = {**request.META, "wsgi.input": io.BytesIO(request.body[: beacon_callable.MAX_BODY_BYTES + 1])}
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"], answered["headers"] = int(status.split()[0]), headers

    body = b"".join(beacon_callable.handle(environ, start_response))
    response = HttpResponse(body, status=answered["status"])
    del response["Content-Type"]  # a 204 has none; the answer's own headers say if it has one
    for name, value in answered["headers"]:
        response[name] = value
    return response
