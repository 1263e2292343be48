from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.core import views as core_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("ads/", include("masthead.ads.urls")),
    path("", include("masthead.news.urls")),
    # Uploaded media in the embedded default; `masthead serve` answers these before
    # Django, and in scale-out they live in object storage.
    # Documents are left out: Wagtail serves them at /documents/ with their privacy checks.
    re_path(r"^media/(?P<path>(?!documents/).*)$", serve_file, {"document_root": settings.MEDIA_ROOT}),
    path("", include(wagtail_urls)),
]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
