from django.urls import path

from masthead.ads import views

app_name = "ads"
urlpatterns = [path("<int:pk>/click/", views.creative_click, name="click")]
