from django.urls import path

from sahl.ui import views

app_name = "ui"
urlpatterns = [
    path("language", views.set_language, name="set_language"),
]
