from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render without the site's database-backed context: the database may be what failed."""
    return HttpResponseServerError(loader.render_to_string("500.html"))
