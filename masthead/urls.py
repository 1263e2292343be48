from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.core import views as core_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("ads/", include("masthead.ads.urls")),
    path("", include("masthead.news.urls")),
    path("", include(wagtail_urls)),
]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
