from django.urls import path

from masthead.comments import notify_views, views

app_name = "comments"
urlpatterns = [
    path("counts/", views.counts, name="counts"),
    path("likes/", views.likes, name="likes"),
    path("<int:page_id>/", views.thread, name="thread"),
    path("<int:page_id>/more/", views.more, name="more"),
    path("<int:page_id>/reply/", views.reply, name="reply"),
    path("<int:page_id>/form/", views.form, name="form"),
    path("<int:page_id>/post/", views.post, name="post"),
    path("<int:page_id>/me/", views.me, name="me"),
    path("c/<int:comment_id>/like/", views.like, name="like"),
    path("c/<int:comment_id>/edit/", views.edit, name="edit"),
    path("notify/confirm/<str:token>/", notify_views.confirm, name="notify_confirm"),
    path("notify/stop/<str:token>/", notify_views.stop, name="notify_stop"),
    path("notify/stop-all/<str:token>/", notify_views.stop_all, name="notify_stop_all"),
    path("notify/unsubscribe/<str:token>/", notify_views.unsubscribe, name="notify_unsubscribe"),
]
