from django.urls import path

from masthead.analytics import views

app_name = "analytics"
urlpatterns = [
    # `masthead serve` answers the beacon before Django (masthead/wsgi.py); this is the
    # same answer for servers that reach Django first.
    path("analytics/beacon/", views.beacon, name="beacon"),
    path("analytics/counts/", views.counts, name="counts"),
    path("privacy/audience/", views.privacy_note, name="privacy_note"),
]
