from django.urls import path
from django.views.i18n import set_language

app_name = "ui"
urlpatterns = [
    path("language", set_language, name="set_language"),
]
