from django.urls import path

from sahl.audit import views

app_name = "audit"
urlpatterns = [
    path("account/access-log", views.access_log, name="access_log"),
]
