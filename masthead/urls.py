from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.core import views as core_views
from masthead.donations import views as donation_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("ads/", include("masthead.ads.urls")),
    path("comments/", include("masthead.comments.urls")),
    path("trending/", include("masthead.analytics.trending_urls")),
    path("donate/", donation_views.donate, name="donate"),
    path("donations/", include("masthead.donations.urls")),
    path("newsletter/", include("masthead.newsletter.urls")),
    path("search/", include("masthead.search.urls")),
    path("", include("masthead.analytics.urls")),
    path("", include("masthead.news.urls")),
    # Image renditions from the media folder; `masthead serve` (granian) and nginx send
    # /media/images/ themselves, this answers any other server. Nothing else under
    # /media/ is public: documents go through /documents/ and its privacy checks.
    path("media/<path:path>", core_views.media_file),
    path("", include(wagtail_urls)),
]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
