from django.urls import path

from masthead.analytics import trending_views

app_name = "trending"
urlpatterns = [
    path("", trending_views.trending_page, name="page"),
    path("boxes/", trending_views.boxes, name="boxes"),
]
