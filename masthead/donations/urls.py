from django.urls import path

from masthead.donations import views

app_name = "donations"
urlpatterns = [
    path("give/", views.give, name="give"),
    path("token/", views.token, name="token"),
    path("start/", views.start, name="start"),
    path("return/", views.paypal_return, name="return"),
    path("cancel/", views.paypal_cancel, name="cancel"),
    path("thank-you/", views.result_page, {"result": "completed"}, name="thanks"),
    path("pending/", views.result_page, {"result": "pending"}, name="pending"),
    path("cancelled/", views.result_page, {"result": "cancelled"}, name="cancelled"),
    path("progress/", views.progress, name="progress"),
    path("paypal/webhook/", views.paypal_webhook, name="paypal_webhook"),
]
