from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.static import serve


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render without the site's database-backed context: the database may be what failed."""
    return HttpResponseServerError(loader.render_to_string("500.html"))


# The only folder of MEDIA_ROOT that is public: Wagtail writes image renditions (and
# masthead.core.embed_thumbnails its copies) under images/. Originals (original_images/)
# are linked by no page nor the admin and keep their camera metadata; documents have
# their own view at /documents/ that checks the collection's privacy.
PUBLIC_MEDIA_FOLDER = "images"


def media_file(request, path):
    """A rendition from MEDIA_ROOT/images/, judged on the normalised path: `//`, `.` and
    `..` segments must not lead anywhere else (servers pass the path on as sent)."""
    segments = [segment for segment in path.split("/") if segment not in {"", "."}]
    if ".." in segments or len(segments) < 2 or segments[0] != PUBLIC_MEDIA_FOLDER:
        raise Http404("Not a public file")
    return serve(request, "/".join(segments), document_root=settings.MEDIA_ROOT)


def csrf_failure(request, reason=""):
    """Django's CSRF refusal in the site's words: a form left open for a day, or a
    browser that refuses cookies. A script asking for JSON gets JSON."""
    from django.http import JsonResponse

    message = "This form has expired or your browser refused our cookie. Reload the page and try again."
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"ok": False, "message": message}, status=403)
    else:
        response = render(request, "400.html", {"reason": message}, status=403)
    response["Cache-Control"] = "private, no-store"
    return response
