from django.urls import path

from sahl.sms_sim import views

app_name = "sms_sim"
urlpatterns = [
    path("dev/sms", views.outbox, name="outbox"),
]
