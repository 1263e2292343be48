from django.urls import path

from masthead.news import views

app_name = "news"
urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("staff-picks/", views.staff_picks, name="staff_picks"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("fragments/article/<int:pk>/", views.article_fragment, name="article_fragment"),
]
